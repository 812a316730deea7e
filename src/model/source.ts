import type { Chunk } from './chunk.js';
import type { Skipped } from './outcome.js';

/** What a source yields: content to scan, or a record of what it could not scan and why. */
export type SourceItem = { readonly chunk: Chunk } | { readonly skipped: Skipped };

/** A file on disk to scan: where to read it, and the path findings report. */
export interface FileTarget {
  readonly abs: string;
  readonly path: string;
}

/** A scan target. `coverage` is read after iteration ends (commits walked, range, shallow…). */
export interface Source {
  items(): AsyncIterable<SourceItem>;
  /** Sources made of plain files list them, so the app may read and scan them on several threads. */
  targets?(): Promise<readonly FileTarget[]>;
  coverage?(): Readonly<Record<string, string | number | boolean>>;
}
