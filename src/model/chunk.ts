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
  /** The subject line, masked and trimmed by the engine: never raw message text. */
  readonly message?: string;
}

/**
 * How the bytes were turned into text. `utf-8` is the primary view of every byte sequence (ASCII
 * survives any invalid byte around it); `utf-16` is an extra view of content that holds UTF-16
 * text (either byte order, any alignment, with or without a byte-order mark, ASCII around it), so
 * a key written in UTF-16 is found too.
 */
export type TextView = 'utf-8' | 'utf-16';

/** The unit of content every source yields and the engine scans. */
export interface Chunk {
  readonly source: SourceKind;
  /** Repository-relative path with `/` separators (or a label such as `<stdin>`). */
  readonly path: string;
  /** The exact bytes of the path, base64, when they are not valid UTF-8 (`path` then escapes them). */
  readonly pathBytes?: string;
  readonly text: string;
  /** File line number of `text`'s first line (1 unless the reader cut a larger file). */
  readonly firstLine?: number;
  /** Column (1-based, UTF-16 units) of `text`'s first character on that line (1 unless cut mid-line). */
  readonly firstColumn?: number;
  /**
   * Offsets of `text` this chunk answers for: a large file is read in overlapping windows, and a
   * finding belongs to the window whose own part holds its start (the overlap is context only).
   */
  readonly ownFrom?: number;
  readonly ownTo?: number;
  /** How the text was decoded (default `utf-8`). */
  readonly view?: TextView;
  readonly blobId?: string;
  readonly commit?: CommitRef;
  /**
   * The text is this commit's message. Sources never put message text in `commit`: the engine
   * gives each finding the subject, masked like any line, as `commit.message`.
   */
  readonly commitMessage?: boolean;
  /**
   * The text is the path's own name (a file's path, a pushed ref), not content: anyone can write a
   * key pair there, and git carries it. The engine locates findings at the name
   * (`Location.where`), so no report points at a line of the file for them.
   */
  readonly name?: boolean;
  /** When set, only findings touching these lines are reported (staged: added lines). */
  readonly reportable?: readonly LineRange[];
  /**
   * The reader's byte scan saw no sign of an encoded key ID (base64 or escaped `AKIA`/`ASIA`):
   * the engine decodes only values after a secret's label. Absent: the engine looks everywhere.
   */
  readonly plainOnly?: boolean;
  /**
   * Offsets in `text` where the reader's byte scan saw a keyword start (ascending; every start of
   * every keyword of the pack is among them): the engine reads these instead of searching the text
   * for its keywords again. Absent: the engine searches.
   */
  readonly keywordAt?: Int32Array;
  /** Bytes of the original content this chunk stands for (0 when it repeats another view). */
  readonly size?: number;
}
