import { memberArgs } from '../git/history-args.js';
import { countSelected, listCommits, newestCommits, orderParentsFirst } from '../git/rev-list.js';
import type { HistorySelection } from '../model/history-selection.js';

/** A selection made concrete: what the history source walks, and how many commits that is. */
export interface ResolvedHistory {
  /** `git log` arguments of a single-member selection (git walks and orders it itself). */
  readonly revisions: readonly string[];
  /** Their revision names, for git's standard input (`--stdin` in `revisions`). */
  readonly input?: string;
  /** A union's commits, parents first; when set, `revisions` is empty. */
  readonly commits?: readonly string[];
  readonly pathspecs: readonly string[];
  readonly total: number;
}

/**
 * Resolves a selection against the repository. One member (the usual case: every ref, a branch, a
 * range) is handed to `git log` as it is, so the walk streams whatever the history's size. Several
 * members are their union: each member's commits are listed, the union is kept to the newest
 * `maxCount`, and put parents first, so each commit and each blob is read once and a finding
 * still names the commit that introduced it. Every revision must resolve (exit 2 otherwise).
 */
export async function resolveHistory(
  cwd: string,
  selection: HistorySelection,
): Promise<ResolvedHistory> {
  const { members, pathspecs, label, maxCount } = selection;
  const [only] = members;
  if (members.length === 1 && only !== undefined) {
    const walk = memberArgs(
      selection,
      only,
      maxCount === undefined ? [] : [`--max-count=${maxCount}`],
    );
    const total = await countSelected(cwd, walk, pathspecs, label);
    return { revisions: walk.args, input: walk.input, pathspecs, total };
  }
  const union = new Set<string>();
  for (const member of members) {
    for (const id of await listCommits(cwd, memberArgs(selection, member), pathspecs, label))
      union.add(id);
  }
  const chosen = maxCount === undefined ? union : await newestCommits(cwd, union, maxCount);
  const commits = await orderParentsFirst(cwd, chosen);
  return { revisions: [], commits, pathspecs, total: commits.length };
}
