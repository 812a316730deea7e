import type { ObjectType } from '../git/object-types.js';
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
  /**
   * Every path a tip writes outside its commits, each name once even where two hold one blob: a
   * ref that names a blob, `<ref>:<path>` for each blob of a tree a ref names.
   */
  readonly names: readonly string[];
}

/**
 * The path a tag's findings are reported under: the ref that reached it and the tag's own id, so
 * each tag of a chain has its own place and a tag moved to another object is another place.
 */
export function tagPath(ref: string, tag: string): string {
  return ref === tag ? `<tag ${shortId(tag)}>` : `<tag ${ref} ${shortId(tag)}>`;
}

/** Whether a ref object's path is a tag's (tagPath), not a blob's. */
export function isTagPath(path: string): boolean {
  return path.startsWith('<tag ');
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
  /** Types of the tips' objects already asked for (see peel). */
  known?: ReadonlyMap<string, ObjectType>,
): Promise<RefContents> {
  const byId = new Map<string, RefTip>();
  for (const t of tips) if (!byId.has(t.id)) byId.set(t.id, t);
  const peeled = await peel(
    cwd,
    [...byId.keys()],
    (id) => {
      const tip = byId.get(id);
      return tip === undefined ? shortId(id) : what(tip);
    },
    known,
  );
  const commits = new Set<string>();
  const objects: RefObject[] = [];
  const names = new Set<string>();
  const listed = new Set<string>();
  const add = (id: string, path: string) => {
    if (listed.has(id)) return;
    listed.add(id);
    objects.push({ id, path });
  };
  // A tree's blobs, listed once however many refs name it (each ref writes its own names).
  const trees = new Map<string, Awaited<ReturnType<typeof treeBlobs>>>();
  for (const t of tips) {
    const p = peeled.get(t.id);
    if (p === undefined) continue;
    for (const tag of p.tags) add(tag, tagPath(t.ref, tag));
    if (p.commit !== undefined) commits.add(p.commit);
    if (p.blob !== undefined) {
      add(p.blob, t.ref);
      names.add(t.ref);
    }
    if (p.tree !== undefined) {
      let blobs = trees.get(p.tree);
      if (blobs === undefined) {
        blobs = await treeBlobs(cwd, p.tree);
        trees.set(p.tree, blobs);
      }
      for (const b of blobs) {
        add(b.blob, `${t.ref}:${b.path}`);
        names.add(`${t.ref}:${b.path}`);
      }
    }
  }
  return { commits, objects, names: [...names] };
}
