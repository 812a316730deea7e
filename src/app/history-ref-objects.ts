import { shortId } from '../git/peel.js';
import { selectedTips } from '../git/selected-tips.js';
import type { HistorySelection } from '../model/history-selection.js';
import type { RefObject } from '../model/ref-object.js';
import { refContents } from './ref-contents.js';

/**
 * What `keyguard history` reads besides its commits: whatever the refs and revisions it selects
 * name outside any commit, peeled as a push of them is (ref-contents): every annotated tag's text
 * (through tags of tags), a blob a ref names, the blobs of a tree a ref names. A clone or a fetch
 * of those refs carries all of it, and `pre-push` of them reads it. Only what the selection
 * includes: the including end of a range (`B` of `A..B`, like a pushed ref's new value), never
 * what it excludes (`A`, `^X`, `--not …`, like what the remote has). Filters on commits (dates,
 * authors, `-n`) choose commits, not refs: what the selected refs name is read whatever they say.
 * A selection narrowed to paths (`-- <paths>`) reads none of it: none of it is under a path.
 */
export async function historyRefObjects(
  cwd: string,
  selection: HistorySelection,
): Promise<readonly RefObject[]> {
  if (selection.pathspecs.length > 0) return [];
  const { tips, types } = await selectedTips(cwd, selection);
  if (tips.length === 0) return [];
  const { objects } = await refContents(
    cwd,
    tips,
    (tip) => `history: ${tip.ref} (${shortId(tip.id)})`,
    types,
  );
  return objects;
}
