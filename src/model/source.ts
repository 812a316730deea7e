import type { Chunk } from './chunk.js';
import type { Skipped } from './outcome.js';

/** What a source yields: content to scan, or a record of what it could not scan and why. */
export type SourceItem = { readonly chunk: Chunk } | { readonly skipped: Skipped };

/** A scan target. `coverage` is read after iteration ends (commits walked, range, shallow…). */
export interface Source {
  items(): AsyncIterable<SourceItem>;
  coverage?(): Readonly<Record<string, string | number | boolean>>;
}
