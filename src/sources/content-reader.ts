import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Chunk, CommitRef, LineRange, SourceKind, TextView } from '../model/chunk.js';
import type { SkipReason } from '../model/outcome.js';
import type { FileTarget, ScanSink } from '../model/source.js';
import type { ByteFilter } from './byte-filter.js';

/** What a chunk says about where its content came from. */
export interface ReadLabel {
  readonly path: string;
  readonly pathBytes?: string;
  readonly blobId?: string;
  readonly commit?: CommitRef;
  /** The content is the commit's message (see Chunk.commitMessage). */
  readonly commitMessage?: boolean;
  readonly reportable?: readonly LineRange[];
}

/** Where the reader hands what it read (see ScanSink). */
export type ReadSink = ScanSink;

export interface ReaderOptions {
  readonly source: SourceKind;
  readonly filter: ByteFilter;
  /** A size limit the user set: larger content is a skip (and the scan incomplete). None by default. */
  readonly maxFileSize?: number;
  /** Window and overlap sizes (tests make them small to put keys across window edges). */
  readonly windowBytes?: number;
  readonly overlapBytes?: number;
}

/** What reading one item amounted to. */
export interface ReadResult {
  /** Bytes read. */
  readonly bytes: number;
  /** Some window held a keyword: the engine saw text (a blob without one is clean at any path). */
  readonly candidate: boolean;
  /** The item was skipped (the sink has the reason). */
  readonly skipped: boolean;
}

/** Files are read in windows of this size; almost every file fits in one. */
const WINDOW_BYTES = 4 * 1024 * 1024;
/**
 * Consecutive windows overlap by this much, and each owns the findings that start in its middle
 * part: every owned finding has at least half of this as context on both sides, more than any
 * key, token or pairing reach needs (16,000 characters at most), so a key across a window edge is
 * found once, as if the file were read whole.
 */
const OVERLAP_BYTES = 128 * 1024;

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;
const OPEN_FLAGS = constants.O_RDONLY | NOFOLLOW | NONBLOCK;
const LF = 0x0a;

/** Where one item's reading stands between windows. */
interface Progress {
  readonly label: ReadLabel;
  readonly sink: ReadSink;
  /** Absolute offset of the current window's first byte. */
  base: number;
  /** Line and column (UTF-8 view) of the current window's first byte. */
  line: number;
  column: number;
  /** The same for the two UTF-16 views: [even offsets (LE), odd offsets (BE)]. */
  line16: [number, number];
  /** Absolute offset up to which earlier windows answered for findings. */
  ownedUntil: number;
  candidate: boolean;
}

function isUtf8Continuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** Moves a cut point back onto a UTF-8 character boundary. */
function utf8Boundary(buf: Buffer, at: number, floor: number): number {
  let p = at;
  for (let n = 0; n < 3 && p > floor && isUtf8Continuation(buf[p]); n++) p--;
  return p;
}

function readError(code: string | undefined, target: FileTarget): SkipReason {
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'deleted';
  if (code === 'ELOOP' || code === 'EMLINK') return 'symlink';
  if (code === 'EISDIR') return target.kind === 'gitlink' ? 'submodule' : 'not-regular';
  if (code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'ENXIO' || code === 'EOPNOTSUPP')
    return target.explicit === true ? 'special' : 'not-regular';
  return 'unreadable';
}

/**
 * The one reader every mode uses: bytes (a file, a git blob, standard input, an archive entry) →
 * chunks of text for the engine, or a skip that says why not.
 *
 * Nothing is skipped for being binary or for its encoding. Every window of bytes is checked for
 * rule keywords as ASCII/UTF-8 and as UTF-16; the UTF-8 view (ASCII survives any byte around it,
 * NULs included) is scanned when a keyword occurs in it, and two UTF-16 views (even and odd byte
 * offsets: little- and big-endian, with or without a byte-order mark) when a keyword occurs as
 * UTF-16. Large content is read in overlapping windows into one reused buffer, so memory stays
 * flat whatever the file size.
 */
export class ContentReader {
  private readonly options: ReaderOptions;
  private readonly window: number;
  private readonly half: number;
  private buffer: Buffer | undefined;

  constructor(options: ReaderOptions) {
    this.options = options;
    this.window = options.windowBytes ?? WINDOW_BYTES;
    const overlap = options.overlapBytes ?? OVERLAP_BYTES;
    this.half = Math.max(1, Math.floor(Math.min(overlap, this.window / 4) / 2));
  }

  private scratch(): Buffer {
    this.buffer ??= Buffer.allocUnsafe(this.window);
    return this.buffer;
  }

  private skip(
    label: ReadLabel,
    sink: ReadSink,
    reason: SkipReason,
    detail?: string,
    bytes?: number,
  ) {
    sink.skip({
      path: label.path,
      ...(label.pathBytes === undefined ? {} : { pathBytes: label.pathBytes }),
      reason,
      ...(detail === undefined ? {} : { detail }),
      ...(bytes === undefined ? {} : { bytes }),
    });
  }

  private overLimit(size: number): boolean {
    const max = this.options.maxFileSize;
    return max !== undefined && size > max;
  }

  /** A file on disk. Links are never followed; FIFOs and devices are never waited on. */
  readFile(target: FileTarget, sink: ReadSink): ReadResult {
    const label: ReadLabel = {
      path: target.path,
      ...(target.pathBytes === undefined ? {} : { pathBytes: target.pathBytes }),
    };
    const none: ReadResult = { bytes: 0, candidate: false, skipped: true };
    if (target.kind === 'symlink') {
      this.skip(label, sink, 'symlink');
      return none;
    }
    if (target.kind === 'gitlink') {
      this.skip(label, sink, 'submodule', 'a commit of another repository');
      return none;
    }
    if (target.kind === 'special') {
      // A FIFO, socket or device met while walking a folder: no content of its own to read.
      this.skip(label, sink, target.explicit === true ? 'special' : 'not-regular');
      return none;
    }
    let fd: number;
    try {
      fd = openSync(target.abs, OPEN_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = readError(code, target);
      this.skip(label, sink, reason, reason === 'unreadable' ? (code ?? 'open failed') : undefined);
      return none;
    }
    try {
      const result = this.readOpen(fd, target, label, sink);
      if (!result.skipped) sink.read(result.bytes);
      return result;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      const reason = readError(code, target);
      this.skip(label, sink, reason, reason === 'unreadable' ? code : undefined);
      return none;
    } finally {
      closeSync(fd);
    }
  }

  private readOpen(fd: number, target: FileTarget, label: ReadLabel, sink: ReadSink): ReadResult {
    // Only a file named on the command line is asked what it is before reading: listed files are
    // regular files (git or the folder walk said so), and a read that goes on and on asks below.
    if (target.explicit === true) {
      const s = fstatSync(fd);
      if (s.isDirectory()) {
        this.skip(label, sink, 'not-regular');
        return { bytes: 0, candidate: false, skipped: true };
      }
      if (!s.isFile()) {
        this.skip(label, sink, 'special', 'not a regular file (FIFO, socket or device)');
        return { bytes: 0, candidate: false, skipped: true };
      }
    }
    const buf = this.scratch();
    let filled = fill(fd, buf, 0);
    if (filled < buf.length) {
      if (this.overLimit(filled)) {
        this.skip(label, sink, 'too-large', `${filled} bytes, over the size limit`, filled);
        return { bytes: 0, candidate: false, skipped: true };
      }
      const p = this.start(label, sink);
      this.scanWindow(p, buf, 0, filled, true);
      return { bytes: filled, candidate: p.candidate, skipped: false };
    }
    // A window's worth and more: make sure this is a file and not a device that never ends.
    const s = fstatSync(fd);
    if (!s.isFile()) {
      this.skip(label, sink, 'special', 'not a regular file (FIFO, socket or device)');
      return { bytes: 0, candidate: false, skipped: true };
    }
    if (this.overLimit(s.size)) {
      this.skip(label, sink, 'too-large', `${s.size} bytes, over the size limit`, s.size);
      return { bytes: 0, candidate: false, skipped: true };
    }
    const p = this.start(label, sink);
    let total = filled;
    for (;;) {
      const next = this.scanWindow(p, buf, 0, filled, false);
      buf.copyWithin(0, next, filled);
      const kept = filled - next;
      const got = fill(fd, buf, kept);
      total += got - kept;
      filled = got;
      if (filled < buf.length) break;
    }
    this.scanWindow(p, buf, 0, filled, true);
    return { bytes: total, candidate: p.candidate, skipped: false };
  }

  /** Bytes already in memory (a git blob, a small standard input). Never copied. */
  readBytes(data: Buffer, label: ReadLabel, sink: ReadSink): ReadResult {
    if (this.overLimit(data.length)) {
      this.skip(label, sink, 'too-large', `${data.length} bytes, over the size limit`, data.length);
      return { bytes: 0, candidate: false, skipped: true };
    }
    const p = this.start(label, sink);
    let at = 0;
    while (data.length - at > this.window) {
      at = this.scanWindow(p, data, at, at + this.window, false);
    }
    this.scanWindow(p, data, at, data.length, true);
    sink.read(data.length);
    return { bytes: data.length, candidate: p.candidate, skipped: false };
  }

  /** Content that arrives in pieces (standard input, a large blob, an archive entry). */
  async readPieces(
    pieces: AsyncIterable<Buffer>,
    label: ReadLabel,
    sink: ReadSink,
  ): Promise<ReadResult> {
    // A buffer of its own: other items may be read while this one waits for its next piece.
    const buf = Buffer.allocUnsafe(this.window);
    const p = this.start(label, sink);
    let filled = 0;
    let total = 0;
    for await (const piece of pieces) {
      let from = 0;
      while (from < piece.length) {
        const take = Math.min(piece.length - from, buf.length - filled);
        piece.copy(buf, filled, from, from + take);
        filled += take;
        from += take;
        total += take;
        if (this.overLimit(total)) {
          this.skip(
            label,
            sink,
            'too-large',
            `over the size limit; the first ${total - take} bytes were scanned`,
          );
          return { bytes: total, candidate: p.candidate, skipped: true };
        }
        if (filled === buf.length) {
          const next = this.scanWindow(p, buf, 0, filled, false);
          buf.copyWithin(0, next, filled);
          filled -= next;
        }
      }
    }
    this.scanWindow(p, buf, 0, filled, true);
    sink.read(total);
    return { bytes: total, candidate: p.candidate, skipped: false };
  }

  private start(label: ReadLabel, sink: ReadSink): Progress {
    return {
      label,
      sink,
      base: 0,
      line: 1,
      column: 1,
      line16: [1, 1],
      ownedUntil: 0,
      candidate: false,
    };
  }

  /**
   * Scans the window buf[start, end) (absolute offset p.base). Unless it is the last, it owns only
   * up to `end - half` and the next window starts at least `half` before that (on a line start
   * when there is one): returns where the next window starts, and moves `p` there.
   */
  private scanWindow(p: Progress, buf: Buffer, start: number, end: number, last: boolean): number {
    const ownFrom = Math.min(end, start + Math.max(0, p.ownedUntil - p.base));
    let ownTo = end;
    let next = end;
    if (!last) {
      ownTo = utf8Boundary(buf, end - this.half, ownFrom);
      const lineStart = buf.lastIndexOf(LF, ownTo - this.half - 1);
      next =
        lineStart >= ownTo - 2 * this.half && lineStart >= start
          ? lineStart + 1
          : utf8Boundary(buf, ownTo - this.half, start + 1);
      if (next <= start) next = Math.max(start + 1, ownTo - this.half);
    }
    const filter = this.options.filter;
    if (filter.ascii(buf, start, end)) {
      p.candidate = true;
      this.emitUtf8(p, buf, start, end, ownFrom, ownTo);
    }
    // UTF-16 views only where UTF-16 text can be: a NUL byte, or a byte-order mark up front.
    const b0 = buf[start];
    const b1 = buf[start + 1];
    const bom = p.base === 0 && ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff));
    if ((bom || buf.subarray(start, end).includes(0)) && filter.utf16(buf, start, end)) {
      p.candidate = true;
      this.emitUtf16(p, buf, start, end, ownFrom, ownTo, 0);
      this.emitUtf16(p, buf, start, end, ownFrom, ownTo, 1);
    }
    if (!last) {
      p.ownedUntil = p.base + (ownTo - start);
      this.advance(p, buf, start, next);
    }
    return next;
  }

  private chunk(p: Progress, text: string, fields: Partial<Chunk>): void {
    const l = p.label;
    p.sink.chunk({
      source: this.options.source,
      path: l.path,
      ...(l.pathBytes === undefined ? {} : { pathBytes: l.pathBytes }),
      text,
      ...(l.blobId === undefined ? {} : { blobId: l.blobId }),
      ...(l.commit === undefined ? {} : { commit: l.commit }),
      ...(l.commitMessage === true ? { commitMessage: true } : {}),
      ...(l.reportable === undefined ? {} : { reportable: l.reportable }),
      ...fields,
    });
  }

  private emitUtf8(
    p: Progress,
    buf: Buffer,
    start: number,
    end: number,
    ownFrom: number,
    ownTo: number,
  ): void {
    // A UTF-8 byte-order mark is not text: columns count from after it.
    const from =
      p.base === 0 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf
        ? start + 3
        : start;
    const whole = ownFrom <= from && ownTo === end;
    const pre = whole ? '' : buf.toString('utf8', from, Math.max(from, ownFrom));
    const mid = buf.toString('utf8', Math.max(from, ownFrom), ownTo);
    const post = ownTo === end ? '' : buf.toString('utf8', ownTo, end);
    this.chunk(p, whole ? mid : pre + mid + post, {
      ...(p.line === 1 ? {} : { firstLine: p.line }),
      ...(p.column === 1 ? {} : { firstColumn: p.column }),
      ...(whole ? {} : { ownFrom: pre.length, ownTo: pre.length + mid.length }),
      size: ownTo - Math.max(from, ownFrom),
    });
  }

  /** One UTF-16 view: code units at even (`parity` 0, little-endian) or odd absolute offsets. */
  private emitUtf16(
    p: Progress,
    buf: Buffer,
    start: number,
    end: number,
    ownFrom: number,
    ownTo: number,
    parity: 0 | 1,
  ): void {
    const align = (i: number) => (((p.base + i - start) & 1) === parity ? i : i + 1);
    let from = align(start);
    // Skip a byte-order mark: FF FE before little-endian text, FE FF before big-endian.
    if (p.base === 0 && parity === 0 && buf[start] === 0xff && buf[start + 1] === 0xfe) from += 2;
    if (p.base === 0 && parity === 1 && buf[start] === 0xfe && buf[start + 1] === 0xff) from += 2;
    const to = from + Math.floor(Math.max(0, end - from) / 2) * 2;
    if (to <= from) return;
    const o1 = Math.min(to, Math.max(from, align(ownFrom)));
    const o2 = Math.min(to, Math.max(o1, align(ownTo)));
    const text = buf.toString('utf16le', from, to);
    const view: TextView = parity === 0 ? 'utf-16le' : 'utf-16be';
    const line = p.line16[parity];
    this.chunk(p, text, {
      view,
      ...(line === 1 ? {} : { firstLine: line }),
      ...(o1 === from && o2 === to ? {} : { ownFrom: (o1 - from) / 2, ownTo: (o2 - from) / 2 }),
      // The UTF-8 view stands for these bytes in the counts.
      size: 0,
    });
  }

  /** Moves the line and column counts from `start` to `next` (the next window's start). */
  private advance(p: Progress, buf: Buffer, start: number, next: number): void {
    let lines = 0;
    let last = -1;
    for (let at = buf.indexOf(LF, start); at !== -1 && at < next; at = buf.indexOf(LF, at + 1)) {
      lines++;
      last = at;
      // A UTF-16 newline is `0A 00` read from the 0A's offset: little-endian text at even
      // offsets, big-endian text (`00 0A`, then the next character's high byte) at odd ones.
      if (buf[at + 1] === 0) p.line16[((p.base + at - start) & 1) as 0 | 1]++;
    }
    if (lines > 0) {
      p.line += lines;
      p.column = 1 + buf.toString('utf8', last + 1, next).length;
    } else {
      p.column += buf.toString('utf8', start, next).length;
    }
    p.base += next - start;
  }
}

/** Reads until the buffer is full or the file ends; returns how much of the buffer holds data. */
function fill(fd: number, buf: Buffer, from: number): number {
  let filled = from;
  while (filled < buf.length) {
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) break;
    filled += n;
  }
  return filled;
}
