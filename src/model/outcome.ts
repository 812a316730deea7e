import type { SourceKind } from './chunk.js';
import type { BaselineEntry, Finding, Suppression } from './finding.js';
import type { Verdict } from './verdict.js';

/**
 * Why content was not scanned. Two kinds:
 * - unread content (the scan is incomplete; exit 2 unless the user accepts a partial scan):
 *   `unreadable` (permission denied, I/O error), `too-large` (over a size limit the user set),
 *   `special` (a FIFO, socket or device named on the command line), `archive-limit` (an archive
 *   expanded past a bomb limit), `archive-unreadable` (a corrupt, truncated or encrypted archive or
 *   entry), `missing` (an object git should have but does not);
 * - nothing left unread: `symlink` (a file behind a folder that is a link, which is not followed;
 *   a link's own text is read, and the file it points to is scanned where it lives),
 *   `submodule` (another repository's commit), `deleted` (tracked, but gone from the work tree),
 *   `not-regular` (a FIFO or socket met while walking a folder), `raw-only` (an uncompressed tar
 *   that could not be listed entry by entry: every byte of it was scanned as it is).
 */
export type SkipReason =
  | 'unreadable'
  | 'too-large'
  | 'special'
  | 'archive-limit'
  | 'archive-unreadable'
  | 'missing'
  | 'symlink'
  | 'submodule'
  | 'deleted'
  | 'not-regular'
  | 'raw-only';

/** The skip reasons that leave content unread: any of them makes the scan incomplete. */
export const UNREAD_REASONS: ReadonlySet<SkipReason> = new Set<SkipReason>([
  'unreadable',
  'too-large',
  'special',
  'archive-limit',
  'archive-unreadable',
  'missing',
]);

export interface Skipped {
  /** Display path (repository-relative; bytes that are not UTF-8 shown as `\xNN`). */
  readonly path: string;
  /** The exact bytes of the path, base64, when they are not valid UTF-8. */
  readonly pathBytes?: string;
  readonly reason: SkipReason;
  readonly detail?: string;
  /** Bytes left unread, when known. */
  readonly bytes?: number;
}

export interface ScanWarning {
  readonly code: string;
  readonly message: string;
}

export interface ScanStats {
  files: number;
  bytes: number;
  chunks: number;
  durationMs: number;
  commits?: number;
  blobs?: number;
}

/**
 * Set when content was left unread (see UNREAD_REASONS): the scan cannot vouch for what it did
 * not read, so the exit code is 2 unless the user accepted a partial scan (`--allow-partial`,
 * config `allowPartial`); reports then say how much was not read.
 */
export interface Incomplete {
  readonly unread: number;
  /** Bytes known to be unread (files whose size was known). */
  readonly bytes: number;
  /** The user accepted a partial scan: exit codes follow the findings alone. */
  readonly accepted: boolean;
}

export interface ScanOutcome {
  readonly mode: SourceKind;
  readonly findings: readonly Finding[];
  readonly suppressed: readonly Suppression[];
  readonly skipped: readonly Skipped[];
  readonly warnings: readonly ScanWarning[];
  readonly stats: ScanStats;
  /** Free-form coverage facts a source reports (range, shallow, partial). */
  readonly coverage?: Readonly<Record<string, string | number | boolean>>;
  /** Baseline entries that matched nothing among the paths this scan covered. */
  readonly staleBaseline?: readonly BaselineEntry[];
  /** Present when content was left unread. */
  readonly incomplete?: Incomplete;
  /** The exit code and why, decided once by the app; every headline follows it. */
  readonly verdict?: Verdict;
}
