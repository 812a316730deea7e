/** Where content came from; decides how findings are attributed and which filters apply. */
export type SourceKind = 'tree' | 'stdin' | 'staged' | 'history';

/** 1-based, inclusive line span. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
}

export interface CommitRef {
  readonly sha: string;
  readonly author?: string;
  readonly email?: string;
  readonly date?: string;
  readonly message?: string;
}

/** The unit of content every source yields and the engine scans. */
export interface Chunk {
  readonly source: SourceKind;
  /** Repository-relative path with `/` separators (or a label such as `<stdin>`). */
  readonly path: string;
  readonly text: string;
  /** File line number of `text`'s first line (1 unless the source cut a larger file). */
  readonly firstLine?: number;
  readonly blobId?: string;
  readonly commit?: CommitRef;
  /** When set, only findings touching these lines are reported (staged: added lines). */
  readonly reportable?: readonly LineRange[];
  /** Bytes of the original content (the text may be empty when a byte-level prefilter ruled it out). */
  readonly size?: number;
}
