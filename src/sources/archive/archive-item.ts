/** Why part of an archive was not read: a bound was reached, or the bytes could not be understood. */
export type ArchiveSkipReason = 'archive-limit' | 'archive-unreadable';

/** Part of an archive that was not (fully) read, with a one-line detail: which limit or fault, how far it got. */
export interface ArchiveSkip {
  readonly kind: 'skipped';
  /** The member (or, for the container itself, the container's own path; '' is the top-level file). */
  readonly path: string;
  readonly reason: ArchiveSkipReason;
  /** Fixed wording, numbers and library messages; never an entry name (that is in `path`). */
  readonly detail: string;
}

/** A leaf member's content, streamed in pieces; consume it before asking for the next item. */
export interface ArchiveEntry {
  readonly kind: 'entry';
  /** Names joined with '!' from the top-level file, e.g. `lib/x.jar!config/prod.properties`. A label, never a path to open. */
  readonly path: string;
  readonly data: AsyncIterable<Buffer>;
}

export type ArchiveItem = ArchiveEntry | ArchiveSkip;
