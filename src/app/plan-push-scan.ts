import { objectTypes } from '../git/object-types.js';
import { peel, shortId as short } from '../git/peel.js';
import { isZeroId, type RefUpdate } from '../git/ref-updates.js';
import type { HistorySelection } from '../model/history-selection.js';
import type { RefObject } from '../model/ref-object.js';
import { refContents } from './ref-contents.js';

/** What a push brings in, as something the history scan can read. */
export interface PushScanPlan {
  /** The pushed commits git should walk; undefined when the push brings none. */
  readonly selection?: HistorySelection;
  /** Annotated tags (their text) and blobs refs point at outside any commit. */
  readonly objects: readonly RefObject[];
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

  const fix =
    side.hook === 'pre-push'
      ? 'did it change or vanish while pushing? run git push again'
      : 'the push is incomplete';
  // Annotated tags are followed to what they name; their text and any blob or tree named outside
  // a commit are content the push carries.
  const {
    commits,
    objects,
    names: written,
  } = await refContents(
    cwd,
    live.map((u) => ({ ref: u.ref, id: u.new })),
    (tip) => `${side.hook}: ${tip.ref} would be set to ${short(tip.id)}, which (${fix})`,
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
  const oldPeeled = await peel(cwd, present, (id) => `${short(id)}`, oldTypes);
  const exclude = [
    ...new Set([...oldPeeled.values()].flatMap((p) => (p.commit === undefined ? [] : [p.commit]))),
  ];

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
  // Every ref the push sets, and the paths of a tree a ref names: written, so scanned as text.
  const names = [...new Set([...live.map((u) => u.ref), ...written])];
  return { ...(selection === undefined ? {} : { selection }), objects, names, refs, notes };
}
