import { KeyguardError } from '../model/errors.js';
import { BlobReader, type BlobRecord } from './blob-reader.js';
import { type ObjectType, objectTypes } from './object-types.js';

/** An object followed through annotated tags to what it finally names. */
export interface Peeled {
  readonly commit?: string;
  readonly tree?: string;
  readonly blob?: string;
  /** The annotated tags passed on the way, outermost first (their own text travels with them). */
  readonly tags: readonly string[];
}

/** A chain of tags longer than this is refused rather than followed (git makes no such chains). */
export const MAX_TAG_DEPTH = 64;

const TAG_HEADER = /^object ([0-9a-f]{40,64})\ntype (commit|tag|tree|blob)\n/;

/** Enough of a tag object for its `object` and `type` lines (about 90 bytes with SHA-256 ids). */
const HEADER_BYTES = 256;

export function shortId(id: string): string {
  return id.slice(0, 12);
}

/**
 * The start of a tag object: all of a small one, the first pieces of one large enough to be
 * streamed (a hostile multi-gigabyte message), whose rest is drained, never held.
 */
async function headOf(record: BlobRecord): Promise<string> {
  if (record.data !== undefined) return record.data.toString('utf8', 0, HEADER_BYTES);
  if (record.pieces === undefined) return '';
  const head: Buffer[] = [];
  let held = 0;
  for await (const piece of record.pieces) {
    if (held >= HEADER_BYTES) continue;
    head.push(piece.subarray(0, HEADER_BYTES - held));
    held += Math.min(piece.length, HEADER_BYTES - held);
  }
  return Buffer.concat(head).toString('utf8');
}

/**
 * Follows each id through annotated tags (`git cat-file --batch`, all at once per level) to the
 * commit, tree or blob it finally names, reading only each tag's header. An object git does not
 * have is an error naming `what`, and so is a chain deeper than MAX_TAG_DEPTH: the push gates
 * and `keyguard history` peel the same way, so a tag one of them reads the other reads too.
 * `known`: types the caller has already asked git for; only the others are asked.
 */
export async function peel(
  cwd: string,
  ids: readonly string[],
  what: (id: string) => string,
  known: ReadonlyMap<string, ObjectType> = new Map(),
): Promise<Map<string, Peeled>> {
  const types = new Map(known);
  const unknown = ids.filter((id) => !known.has(id));
  for (const [id, type] of await objectTypes(cwd, unknown)) types.set(id, type);
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
  if (frontier.length === 0) return out;
  const reader = new BlobReader(cwd, Number.POSITIVE_INFINITY);
  try {
    for (let depth = 0; frontier.length > 0; depth++) {
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
        const header = record.type === 'tag' ? TAG_HEADER.exec(await headOf(record)) : null;
        if (header === null) {
          throw new KeyguardError(
            'GIT_FAILED',
            `${what(f.start)}: tag ${shortId(f.at)} cannot be read (${record.type})`,
          );
        }
        const [, target = '', type = ''] = header;
        const tags = [...f.tags, f.at];
        if (type === 'tag') next.push({ start: f.start, at: target, tags });
        else out.set(f.start, { [type]: target, tags });
      }
      frontier = next;
    }
    await reader.close();
  } finally {
    reader.kill();
  }
  return out;
}
