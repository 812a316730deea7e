import { peel, shortId } from '../git/peel.js';
import { treeBlobs } from '../git/tree-blobs.js';
import type { RefObject } from '../model/ref-object.js';
import type { RefTip } from '../model/ref-tip.js';

/** What a set of tips brings in: commits to walk, and content outside any commit. */
export interface RefContents {
  /** The commits the tips name, directly or through annotated tags. */
  readonly commits: ReadonlySet<string>;
  /** Annotated tags passed on the way, blobs named directly or through a tree; each id once. */
  readonly objects: readonly RefObject[];
}

/**
 * The path a tag's findings are reported under: the ref that reached it and the tag's own id, so
 * each tag of a chain has its own place and a tag moved to another object is another place.
 */
export function tagPath(ref: string, tag: string): string {
  return ref === tag ? `<tag ${shortId(tag)}>` : `<tag ${ref} ${shortId(tag)}>`;
}

/**
 * Follows each tip through annotated tags (the one peel the push gates and `keyguard history`
 * share) and lists what a clone or a push of those refs carries besides commits: every annotated
 * tag's text, a blob a ref names, every blob of a tree a ref names. An object named twice is
 * listed once, under the first tip that reached it. `what` names a tip in an error (an object git
 * does not have, a tag chain too deep).
 */
export async function refContents(
  cwd: string,
  tips: readonly RefTip[],
  what: (tip: RefTip) => string,
): Promise<RefContents> {
  const byId = new Map<string, RefTip>();
  for (const t of tips) if (!byId.has(t.id)) byId.set(t.id, t);
  const peeled = await peel(cwd, [...byId.keys()], (id) => {
    const tip = byId.get(id);
    return tip === undefined ? shortId(id) : what(tip);
  });
  const commits = new Set<string>();
  const objects: RefObject[] = [];
  const listed = new Set<string>();
  const add = (id: string, path: string) => {
    if (listed.has(id)) return;
    listed.add(id);
    objects.push({ id, path });
  };
  for (const t of tips) {
    const p = peeled.get(t.id);
    if (p === undefined) continue;
    for (const tag of p.tags) add(tag, tagPath(t.ref, tag));
    if (p.commit !== undefined) commits.add(p.commit);
    if (p.blob !== undefined) add(p.blob, t.ref);
    if (p.tree !== undefined && !listed.has(p.tree)) {
      // The tree itself is not content; marked so that a second ref to it lists nothing again.
      listed.add(p.tree);
      for (const b of await treeBlobs(cwd, p.tree)) add(b.blob, `${t.ref}:${b.path}`);
    }
  }
  return { commits, objects };
}
