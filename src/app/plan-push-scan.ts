import { BlobReader } from '../git/blob-reader.js';
import { objectTypes } from '../git/object-types.js';
import { isZeroId, type RefUpdate } from '../git/ref-updates.js';
import { treeBlobs } from '../git/tree-blobs.js';
import { KeyguardError } from '../model/errors.js';
import type { HistorySelection } from '../model/history-selection.js';
import type { PushedObject } from '../model/pushed-object.js';

/** What a push brings in, as something the history scan can read. */
export interface PushScanPlan {
  /** The pushed commits git should walk; undefined when the push brings none. */
  readonly selection?: HistorySelection;
  /** Annotated tags (their text) and blobs refs point at outside any commit. */
  readonly objects: readonly PushedObject[];
  /**
   * The names the push writes besides its commits' files: every ref it sets (a branch can be
   * named with a key pair) and the paths in a tree a ref points at. Scanned as text.
   */
  readonly names: readonly string[];
  readonly refs: {
    readonly changed: number;
    readonly deleted: number;
    readonly unchanged: number;
  };
  /** What the plan had to assume (a remote value this repository does not have). */
  readonly notes: readonly string[];
}

export interface PushSide {
  /** `pre-push` or `pre-receive`: how messages name the hook. */
  readonly hook: 'pre-push' | 'pre-receive';
  /**
   * Ref selections the receiving side is known to have already (their commits are not new):
   * `--remotes=<remote>` for a push, `--all` inside the receiving repository.
   */
  readonly known: readonly string[];
  /** How messages name the receiving side (`origin`, `this repository`). */
  readonly remote: string;
}

/** An object followed through annotated tags to what it finally names. */
interface Peeled {
  readonly commit?: string;
  readonly tree?: string;
  readonly blob?: string;
  /** The annotated tags passed on the way (their text is pushed too). */
  readonly tags: readonly string[];
}

/** A chain of tags longer than this is refused rather than followed (git makes no such chains). */
const MAX_TAG_DEPTH = 64;

const TAG_HEADER = /^object ([0-9a-f]{40,64})\ntype (commit|tag|tree|blob)\n/;

function short(id: string): string {
  return id.slice(0, 12);
}

/**
 * Follows each id through annotated tags (`git cat-file --batch`, all at once per level) to the
 * commit, tree or blob it finally names. An object git does not have is an error naming `what`.
 */
async function peel(
  cwd: string,
  ids: readonly string[],
  what: (id: string) => string,
): Promise<Map<string, Peeled>> {
  const types = await objectTypes(cwd, ids);
  const out = new Map<string, Peeled>();
  // Each start id, and where its tag chain has got to.
  let frontier: { start: string; at: string; tags: string[] }[] = [];
  for (const id of new Set(ids)) {
    const type = types.get(id) ?? 'missing';
    if (type === 'missing') {
      throw new KeyguardError('GIT_FAILED', `${what(id)} is not in the repository`);
    }
    if (type === 'tag') frontier.push({ start: id, at: id, tags: [] });
    else out.set(id, { [type]: id, tags: [] });
  }
  const reader = frontier.length === 0 ? undefined : new BlobReader(cwd, Number.POSITIVE_INFINITY);
  try {
    for (let depth = 0; frontier.length > 0; depth++) {
      if (reader === undefined) break;
      if (depth > MAX_TAG_DEPTH) {
        throw new KeyguardError(
          'GIT_FAILED',
          `${what(frontier[0]?.start ?? '')} is a tag chain deeper than ${MAX_TAG_DEPTH}`,
        );
      }
      const next: typeof frontier = [];
      let i = 0;
      for await (const record of reader.read(frontier.map((f) => f.at))) {
        const f = frontier[i++];
        if (f === undefined) break;
        const header =
          record.type === 'tag' ? TAG_HEADER.exec(record.data?.toString('utf8') ?? '') : null;
        if (header === null) {
          throw new KeyguardError(
            'GIT_FAILED',
            `${what(f.start)}: tag ${short(f.at)} cannot be read (${record.type})`,
          );
        }
        const [, target = '', type = ''] = header;
        const tags = [...f.tags, f.at];
        if (type === 'tag') next.push({ start: f.start, at: target, tags });
        else out.set(f.start, { [type]: target, tags });
      }
      frontier = next;
    }
    await reader?.close();
  } finally {
    reader?.kill();
  }
  return out;
}

function label(hook: string, refs: readonly string[]): string {
  const shown = refs.slice(0, 3).join(', ');
  const more = refs.length > 3 ? ` and ${refs.length - 3} more` : '';
  return `${hook}: ${shown}${more}`;
}

/**
 * What a push brings in, for both ends of it. Commits: everything the new values reach that the
 * receiving side is not known to have (its refs, `side.known`, and the old values of the pushed
 * refs), walked once for all refs together, so each commit and each blob is scanned once however
 * many refs share them. A deletion brings nothing; a ref already at its new value brings nothing.
 * Annotated tags are followed to what they name (commit, tree or blob) and their own text is
 * scanned too; a ref that points at a tree or a blob brings that content. A new value this
 * repository does not have is an error: the push is stopped, never waved through.
 */
export async function planPushScan(
  cwd: string,
  updates: readonly RefUpdate[],
  side: PushSide,
): Promise<PushScanPlan> {
  const deleted = updates.filter((u) => isZeroId(u.new)).length;
  const live = updates.filter((u) => !isZeroId(u.new) && u.new !== u.old);
  const unchanged = updates.length - deleted - live.length;
  const refs = { changed: live.length, deleted, unchanged };
  if (live.length === 0) return { objects: [], names: [], refs, notes: [] };

  const refOf = new Map<string, string>();
  for (const u of live) if (!refOf.has(u.new)) refOf.set(u.new, u.ref);
  const fix =
    side.hook === 'pre-push'
      ? 'did it change or vanish while pushing? run git push again'
      : 'the push is incomplete';
  const pushed = await peel(
    cwd,
    live.map((u) => u.new),
    (id) =>
      `${side.hook}: ${refOf.get(id) ?? 'a ref'} would be set to ${short(id)}, which (${fix})`,
  );

  // Old values the receiving side has: their history is not new. One this repository lacks (a
  // remote that moved since the last fetch) cannot be excluded: more is scanned, never less.
  const notes: string[] = [];
  const olds = [...new Set(live.map((u) => u.old).filter((id) => !isZeroId(id)))];
  const oldTypes = await objectTypes(cwd, olds);
  const present = olds.filter((id) => oldTypes.get(id) !== 'missing');
  for (const id of olds) {
    if (oldTypes.get(id) === 'missing') {
      const ref = live.find((u) => u.old === id)?.ref ?? 'a ref';
      notes.push(
        `${side.remote} has ${ref} at ${short(id)}, which this repository does not have: everything ${side.remote} is not known to have is scanned`,
      );
    }
  }
  const oldPeeled = await peel(cwd, present, (id) => `${short(id)}`);
  const exclude = [
    ...new Set([...oldPeeled.values()].flatMap((p) => (p.commit === undefined ? [] : [p.commit]))),
  ];

  const commits = new Set<string>();
  const objects: PushedObject[] = [];
  const names = [...new Set(live.map((u) => u.ref))];
  for (const u of live) {
    const p = pushed.get(u.new);
    if (p === undefined) continue;
    for (const tag of p.tags) objects.push({ id: tag, path: `<tag ${u.ref}>` });
    if (p.commit !== undefined) commits.add(p.commit);
    if (p.blob !== undefined) objects.push({ id: p.blob, path: u.ref });
    if (p.tree !== undefined) {
      for (const b of await treeBlobs(cwd, p.tree)) {
        objects.push({ id: b.blob, path: `${u.ref}:${b.path}` });
        names.push(`${u.ref}:${b.path}`);
      }
    }
  }
  const selection: HistorySelection | undefined =
    commits.size === 0
      ? undefined
      : {
          members: [{ refs: [], names: [...commits] }],
          exclude: { refs: side.known, names: exclude },
          filters: [],
          pathspecs: [],
          label: label(
            side.hook,
            live.map((u) => u.ref),
          ),
        };
  return { ...(selection === undefined ? {} : { selection }), objects, names, refs, notes };
}
