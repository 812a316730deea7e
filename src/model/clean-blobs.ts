/**
 * Blob ids known to hold nothing the engine would look at, remembered between history scans
 * (`src/app/history-cache.ts`). The history source consults it before reading a blob and tells it
 * about every blob it read whole without handing the engine a single character or skipping any
 * part of it.
 */
export interface CleanBlobs {
  /** The blob was read clean by an earlier scan with the same rules and settings (or this one). */
  has(id: string): boolean;
  /** The blob was read whole, nothing of it reached the engine, and nothing of it was skipped. */
  remember(id: string): void;
  /**
   * The commit's message and every blob it brings in (its whole diff, no pathspec) are clean as
   * `has` means it: a later walk need not list it again.
   */
  rememberCommit(id: string): void;
}
