import type { SourceKind } from './chunk.js';
import type { BaselineEntry, Finding, Suppression } from './finding.js';

export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'symlink'
  | 'unreadable'
  | 'submodule'
  | 'missing';

export interface Skipped {
  readonly path: string;
  readonly reason: SkipReason;
  readonly detail?: string;
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
}
