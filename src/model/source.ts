import type { Chunk } from './chunk.js';
import type { Skipped } from './outcome.js';

/** What git's index or the folder walk says a path is, so the reader needs no stat per file. */
export type FileKind = 'file' | 'symlink' | 'gitlink' | 'special';

/** A file on disk to scan: where to read it, and the path findings report. */
export interface FileTarget {
  /** Where to open it: a string, or the exact bytes when the name is not valid UTF-8. */
  readonly abs: string | Buffer;
  /** Display path (repository-relative; stray bytes as `\xNN`). */
  readonly path: string;
  /** base64 of the path's exact bytes, when they are not valid UTF-8. */
  readonly pathBytes?: string;
  /** Known kind (default: a regular file, checked as it is opened). */
  readonly kind?: FileKind;
  /** Named on the command line: a FIFO or device there is reported, not passed over. */
  readonly explicit?: boolean;
  /**
   * The size the listing recorded (git's index: the low 32 bits of the size when it last looked;
   * 0 when git doubted it). Only a hint to read less: see the reader's fillFrom.
   */
  readonly size?: number;
  /**
   * The folder a listed name is relative to (git's work tree): the name must not climb out of it
   * (`..`), and no folder between it and the file may be a symbolic link (git itself then lists
   * the file as deleted; reading through the link would read some other file). Absent for paths
   * named on the command line and for folder walks (which never follow a link).
   */
  readonly root?: string;
}

/** Where a source hands what it read; the engine runs on each chunk as it arrives. */
export interface ScanSink {
  chunk(chunk: Chunk): void;
  skip(skipped: Skipped): void;
  /** One file or blob was read: its bytes count in the stats. */
  read(bytes: number): void;
}

/** FileKind by its code in `NameList.kinds`. */
export const FILE_KINDS: readonly FileKind[] = ['file', 'symlink', 'gitlink', 'special'];

/**
 * Names listed in one buffer (git's own output, as it came): name i is
 * `bytes[starts[i], ends[i])`, of kind `FILE_KINDS[kinds[i]]`. A list of tens of thousands of
 * files stays four typed arrays: no object per file until a thread takes it to read, and it
 * crosses to a worker as a copy of a few megabytes instead of one clone per file.
 */
export interface NameList {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly kinds: Uint8Array;
  /** Each file's recorded size (see FileTarget.size), when the list came from git's index. */
  readonly sizes?: Uint32Array;
  /** Every name is valid UTF-8 (checked once for the whole buffer). */
  readonly utf8: boolean;
}

/** Names relative to one folder: opened under `base`, reported as they are. */
export interface PackedFiles extends NameList {
  /** Absolute folder the names are relative to. */
  readonly base: string;
}

/** Files to read: some one by one, most packed (see NameList). */
export interface TargetSet {
  readonly files: readonly FileTarget[];
  readonly packs: readonly PackedFiles[];
}

/** Files to read, and what the listing itself could not look into (an unreadable folder). */
export interface TargetList {
  readonly targets: TargetSet;
  readonly skipped: readonly Skipped[];
  /** More targets still being listed (git's untracked files): read these first meanwhile. */
  readonly later?: Promise<TargetList>;
}

/** A scan target. `coverage` is read after reading ends (commits walked, range, shallow…). */
export interface Source {
  /** Reads everything, handing each chunk and skip to the sink as it goes. */
  read(sink: ScanSink): Promise<void>;
  /** Sources made of plain files list them, so the app may read and scan them on several threads. */
  targets?(): Promise<TargetList>;
  coverage?(): Readonly<Record<string, string | number | boolean>>;
}
