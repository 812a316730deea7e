import { refContents } from '../app/ref-contents.js';
import type { GitHistory } from '../git/fetch-history.js';
import { type ObjectType, objectTypes } from '../git/object-types.js';
import { shortId } from '../git/peel.js';
import { runGit } from '../git/run-git.js';
import { KeyguardError } from '../model/errors.js';
import type { RefObject } from '../model/ref-object.js';
import type { RefTip } from '../model/ref-tip.js';
import { isPlainBranchName } from './scan-request.js';

/** What a pushed tag brings in besides commits, read the way `pre-push` reads a pushed tag. */
export interface TagContents {
  /** The commit the pushed value names (through annotated tags), or none (a blob, a tree). */
  readonly commit?: string;
  /** Annotated tags' text and blobs the tag names outside any commit. */
  readonly objects: readonly RefObject[];
}

/** Reads a pushed tag: `tag` is its name, `id` the event's new value for it. */
export type TagReader = (tag: string, id: string, notes: string[]) => Promise<TagContents>;

/**
 * Where origin's tag is fetched to: one fixed ref of our own, so the checkout's `refs/tags` (which
 * actions/checkout may have written as a lightweight tag) is left as it is, and the tag's name
 * never shapes the destination.
 */
const FETCHED_TAG = 'refs/keyguard/action-tag';

const FIX = 'the run needs origin reachable with the tag (actions/checkout does this by default)';

/** `refs/tags/<name>`, for a name that can only mean that tag (it goes into a fetch refspec). */
function tagRef(tag: string): string {
  // scanRequest refused odd names already; checked again where the name meets git.
  if (!isPlainBranchName(tag))
    throw new KeyguardError('USAGE', 'the tag named by the event is not a valid tag name');
  return `refs/tags/${tag}`;
}

async function typeOf(cwd: string, id: string) {
  return (await objectTypes(cwd, [id])).get(id) ?? 'missing';
}

/** The event's value for the tag, fetched by id when the checkout lacks it: its type. */
async function ensureObject(
  cwd: string,
  git: GitHistory,
  remote: string,
  tag: string,
  id: string,
  notes: string[],
): Promise<ObjectType> {
  const present = await typeOf(cwd, id);
  if (present !== 'missing') return present;
  const r = await git.fetch(remote, [id]);
  const fetched = r.ok ? await typeOf(cwd, id) : 'missing';
  if (fetched !== 'missing') {
    notes.push(`fetched ${shortId(id)} (tag ${tag}) from ${remote}`);
    return fetched;
  }
  throw new KeyguardError(
    'GIT_FAILED',
    `tag ${tag}: its object ${shortId(id)} is not in the checkout and could not be fetched from ${remote} (${r.error ?? 'not found'}): ${FIX}`,
  );
}

/**
 * Origin's tag as it is now. Needed when the event's value is not a tag object: some payloads
 * give the commit for an annotated tag, and the checkout may hold the tag as a lightweight ref to
 * that commit, so only origin can tell whether there is a tag message to read. Not knowing is an
 * error: a message nobody read is never passed.
 */
async function originTag(
  cwd: string,
  git: GitHistory,
  remote: string,
  tag: string,
  notes: string[],
): Promise<string> {
  const r = await git.fetch(remote, [`+${tagRef(tag)}:${FETCHED_TAG}`]);
  const id = r.ok
    ? (
        await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', FETCHED_TAG], cwd)
      ).stdout
        .toString('utf8')
        .trim()
    : '';
  if (id === '')
    throw new KeyguardError(
      'GIT_FAILED',
      `tag ${tag}: ${tagRef(tag)} could not be fetched from ${remote} (${r.error ?? 'not found'}), so whether it is an annotated tag whose message must be scanned is unknown: ${FIX}`,
    );
  notes.push(`fetched ${tagRef(tag)} from ${remote} (${shortId(id)})`);
  return id;
}

/**
 * A TagReader for the checkout at `cwd`: makes sure the pushed tag's objects are present (fetching
 * them with the same helpers as commits), then reads them through refContents, the one peel the
 * CLI's `history` and the push hooks use: every annotated tag of a chain, a blob or tree's blobs.
 */
export function tagReader(cwd: string, git: GitHistory, remote: string): TagReader {
  return async (tag, id, notes) => {
    const ref = tagRef(tag);
    const type = await ensureObject(cwd, git, remote, tag, id, notes);
    const tips: RefTip[] = [{ ref, id }];
    if (type !== 'tag') {
      const current = await originTag(cwd, git, remote, tag, notes);
      if (current !== id) tips.push({ ref, id: current });
    }
    const { commits, objects } = await refContents(
      cwd,
      tips,
      (tip) => `tag ${tag} (${shortId(tip.id)})`,
      new Map([[id, type]]),
    );
    // The commits are the event's value's alone (a newer value of the tag has a run of its own):
    // itself, or, when it is a tag object and so the only tip, what it peels to.
    const commit = type === 'commit' ? id : type === 'tag' ? [...commits][0] : undefined;
    return { ...(commit === undefined ? {} : { commit }), objects };
  };
}
