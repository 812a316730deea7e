import { isTagPath } from '../app/ref-contents.js';
import type { GitHistory } from '../git/fetch-history.js';
import { KeyguardError } from '../model/errors.js';
import type { RefObject } from '../model/ref-object.js';
import { isPlainBranchName, type ScanRequest } from './scan-request.js';
import type { TagContents, TagReader } from './tag-contents.js';

/** What will actually be scanned, after making sure the history is present. */
export type ResolvedTarget =
  | { readonly kind: 'tree' }
  | { readonly kind: 'nothing'; readonly reason: string }
  | {
      readonly kind: 'history';
      /** `git rev-list` arguments selecting the commits to scan (revisions after --end-of-options). */
      readonly revisions: readonly string[];
      readonly commits: number;
      /** Human wording of the range, for logs and the summary. */
      readonly description: string;
      /** What we had to do to get there (fetches, fallbacks). */
      readonly notes: readonly string[];
      /**
       * The commit whose configuration applies by default: the range's base, or for a branch's
       * own commits the default branch's tip. Undefined when there is none (the default branch
       * itself, or one origin does not have).
       */
      readonly configBase?: string;
      /**
       * The commit whose configuration `config-from: head` applies, when it is not the request's
       * head (a pushed tag object peels to it; a tag of a blob or tree has none of its own).
       */
      readonly configHead?: string;
      /** A pushed tag's content outside any commit: its annotated tags' text, blobs it names. */
      readonly objects?: readonly RefObject[];
    };

export interface ResolveOptions {
  readonly remote?: string;
  /** Successive `--deepen` steps tried before `--unshallow`. */
  readonly deepenSteps?: readonly number[];
  /** Reads a pushed tag; a tag push without one is refused rather than read as commits only. */
  readonly readTag?: TagReader;
}

const FIX = "check out with 'fetch-depth: 0' (actions/checkout) so the history is present";

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** Makes sure `sha` is present, fetching it by id once when it is not. */
async function ensureCommit(
  git: GitHistory,
  remote: string,
  sha: string,
  notes: string[],
): Promise<boolean> {
  if (await git.hasCommit(sha)) return true;
  const fetched = await git.fetch(remote, [sha]);
  if (fetched.ok && (await git.hasCommit(sha))) {
    notes.push(`fetched ${short(sha)} from ${remote}`);
    return true;
  }
  return false;
}

/**
 * In a shallow clone, deepens until base and head share a merge base (or the clone is complete),
 * so `base..head` is not cut at the shallow boundary. Fails closed when history cannot be had.
 */
async function ensureConnected(
  git: GitHistory,
  remote: string,
  base: string,
  head: string,
  steps: readonly number[],
  notes: string[],
): Promise<void> {
  if (!(await git.isShallow())) return;
  if ((await git.mergeBase(base, head)) !== undefined) return;
  for (const depth of steps) {
    const r = await git.fetch(remote, [base, head], { deepen: depth });
    if (!r.ok) break;
    notes.push(`shallow clone: deepened by ${depth}`);
    if ((await git.mergeBase(base, head)) !== undefined) return;
  }
  const full = await git.fetch(remote, [base, head], { unshallow: true });
  if (full.ok) {
    notes.push('shallow clone: fetched the complete history');
    // Unrelated histories have no merge base; base..head is then all of head's history.
    return;
  }
  throw new KeyguardError(
    'GIT_FAILED',
    `the checkout is shallow and the history between ${short(base)} and ${short(head)} could not be fetched (${full.error ?? 'fetch failed'}): ${FIX}`,
  );
}

/** The remote-tracking ref of a branch of `remote`, for a name that can only mean that branch. */
function remoteBranchRef(remote: string, name: string): string {
  // The name comes from the event payload and becomes a ref, a refspec and a revision: scanRequest
  // refuses odd names already; checked again here, where it meets git, so no caller can skip it.
  if (!isPlainBranchName(name))
    throw new KeyguardError(
      'USAGE',
      'the default branch named by the event is not a valid branch name',
    );
  return `refs/remotes/${remote}/${name}`;
}

/** The branch a new branch is compared with, or why there is none (all its history is new). */
type Comparison =
  | { readonly ref: string; readonly name: string }
  | { readonly ref?: undefined; readonly none: string };

/**
 * The default branch as `remote` has it, fetched when the checkout lacks it. Only the default
 * branch vouches for commits: any other branch may have been created by this very push (`git push
 * origin HEAD:a HEAD:b`, a new repository's main and develop) and never been scanned.
 */
async function comparison(
  git: GitHistory,
  remote: string,
  branch: string | undefined,
  defaultBranch: string | undefined,
  notes: string[],
): Promise<Comparison> {
  if (defaultBranch === undefined) return { none: 'the default branch is not known' };
  if (defaultBranch === branch) return { none: 'it is the default branch' };
  const ref = remoteBranchRef(remote, defaultBranch);
  if (await git.hasRef(ref)) return { ref, name: defaultBranch };
  const r = await git.fetch(remote, [`+refs/heads/${defaultBranch}:${ref}`]);
  if (r.ok && (await git.hasRef(ref))) {
    notes.push(`fetched the default branch ${defaultBranch}`);
    return { ref, name: defaultBranch };
  }
  // Absent (a new repository) or unreachable: nothing vouches for any commit, so all are scanned.
  notes.push(
    `the default branch ${defaultBranch} could not be fetched from ${remote} (${r.error ?? 'not found'}): every commit is scanned`,
  );
  return { none: `no ${defaultBranch} on ${remote} to compare with` };
}

/**
 * A branch with no usable `before` (new, or force-pushed over a commit that is gone): its commits
 * the default branch lacks, or its whole history when it is the default branch or there is none.
 */
async function branchTarget(
  git: GitHistory,
  remote: string,
  head: string,
  branch: string | undefined,
  defaultBranch: string | undefined,
  notes: string[],
  tag?: string,
): Promise<ResolvedTarget> {
  // Which commits are new cannot be told from a cut history: get all of it.
  if (await git.isShallow()) {
    const full = await git.fetch(remote, [head], { unshallow: true });
    if (!full.ok || (await git.isShallow()))
      throw new KeyguardError(
        'GIT_FAILED',
        `the checkout is shallow and its complete history could not be fetched (${full.error ?? 'still shallow'}): ${FIX}`,
      );
    notes.push('shallow clone: fetched the complete history');
  }
  const against = await comparison(git, remote, branch, defaultBranch, notes);
  // After --end-of-options git reads every word as a revision, whatever it looks like.
  const revisions = [
    '--end-of-options',
    against.ref === undefined ? head : `${against.ref}..${head}`,
  ];
  const commits = await git.countCommits(revisions);
  if (commits === undefined)
    throw new KeyguardError('GIT_FAILED', `cannot list the commits of ${short(head)}`);
  const what =
    tag !== undefined ? `tag ${tag}` : branch === undefined ? short(head) : `branch ${branch}`;
  return {
    kind: 'history',
    revisions,
    commits,
    description:
      against.ref === undefined
        ? `${what}: its whole history (${against.none})`
        : `${what}: commits not on ${against.name}`,
    notes,
    // A branch's own commits have no base: the default branch's configuration applies to them.
    ...(against.ref === undefined ? {} : { configBase: against.ref }),
  };
}

/**
 * Turns a scan request into revisions whose history is really present: fetches missing commits,
 * deepens or unshallows shallow clones, falls back from a force-pushed-away `before` to the
 * branch's own commits, and fails (GIT_FAILED, with the fix) rather than pass on missing history.
 * A pushed tag also brings what it names outside commits (see resolveTag).
 */
export async function resolveRange(
  request: ScanRequest,
  git: GitHistory,
  options: ResolveOptions = {},
): Promise<ResolvedTarget> {
  if (request.kind === 'tree' || request.kind === 'nothing') return request;
  if (request.tag === undefined) return resolveCommits(request, git, options, []);
  return resolveTag(request, request.tag, git, options);
}

type CommitRequest = Exclude<ScanRequest, { kind: 'tree' } | { kind: 'nothing' }>;

/**
 * A pushed tag: what it names outside commits (read by `options.readTag`), plus the commits its
 * value peels to, resolved as a branch's are. A tag of a blob or tree brings no commits: only its
 * content, with the default branch's configuration.
 */
async function resolveTag(
  request: CommitRequest,
  tag: string,
  git: GitHistory,
  options: ResolveOptions,
): Promise<ResolvedTarget> {
  if (options.readTag === undefined)
    throw new KeyguardError('USAGE', `tag ${tag}: this run cannot read tag objects`);
  const notes: string[] = [];
  const contents = await options.readTag(tag, request.head, notes);
  const counted = countObjects(contents);
  if (counted !== '') notes.push(`tag ${tag}: also reading ${counted}`);
  if (contents.commit === undefined) {
    const remote = options.remote ?? 'origin';
    const against = await comparison(git, remote, undefined, request.defaultBranch, notes);
    return {
      kind: 'history',
      revisions: [],
      commits: 0,
      description: `tag ${tag}: no commits (it names a blob or a tree)`,
      notes,
      objects: contents.objects,
      ...(against.ref === undefined ? {} : { configBase: against.ref, configHead: against.ref }),
    };
  }
  const target = await resolveCommits({ ...request, head: contents.commit }, git, options, notes);
  return target.kind === 'history'
    ? { ...target, objects: contents.objects, configHead: contents.commit }
    : target;
}

/** `1 annotated tag and 2 blobs outside any commit`, or '' when there is nothing. */
function countObjects(contents: TagContents): string {
  const tags = contents.objects.filter((o) => isTagPath(o.path)).length;
  const blobs = contents.objects.length - tags;
  const parts = [
    ...(tags === 0 ? [] : [`${tags} annotated tag${tags === 1 ? '' : 's'}`]),
    ...(blobs === 0 ? [] : [`${blobs} blob${blobs === 1 ? '' : 's'}`]),
  ];
  return parts.length === 0 ? '' : `${parts.join(' and ')} outside any commit`;
}

async function resolveCommits(
  request: CommitRequest,
  git: GitHistory,
  options: ResolveOptions,
  notes: string[],
): Promise<ResolvedTarget> {
  const remote = options.remote ?? 'origin';
  const steps = options.deepenSteps ?? [50, 500];
  const tag = request.tag;
  if (!(await ensureCommit(git, remote, request.head, notes)))
    throw new KeyguardError(
      'GIT_FAILED',
      `head commit ${short(request.head)} is not in the checkout and could not be fetched from ${remote}: ${FIX}`,
    );
  // A new branch, or a force push whose old tip is gone: the commits the default branch lacks.
  const asNewBranch = () =>
    branchTarget(git, remote, request.head, request.branch, request.defaultBranch, notes, tag);
  if (request.kind === 'branch') return asNewBranch();
  if (request.base === request.head)
    return {
      kind: 'history',
      revisions: [],
      commits: 0,
      description: `base and head are the same commit (${short(request.head)}): no new commits`,
      notes,
      configBase: request.base,
    };
  if (!(await ensureCommit(git, remote, request.base, notes))) {
    if (request.baseMayBeGone) {
      notes.push(`before ${short(request.base)} is gone (force push): scanning it as a new branch`);
      return asNewBranch();
    }
    throw new KeyguardError(
      'GIT_FAILED',
      `base commit ${short(request.base)} is not in the checkout and could not be fetched from ${remote}: ${FIX}`,
    );
  }
  await ensureConnected(git, remote, request.base, request.head, steps, notes);
  const revisions = ['--end-of-options', `${request.base}..${request.head}`];
  const commits = await git.countCommits(revisions);
  if (commits === undefined)
    throw new KeyguardError(
      'GIT_FAILED',
      `cannot list the commits ${short(request.base)}..${short(request.head)}`,
    );
  return {
    kind: 'history',
    revisions,
    commits,
    description: `${tag === undefined ? '' : `tag ${tag}: `}${short(request.base)}..${short(request.head)}`,
    notes,
    configBase: request.base,
  };
}
