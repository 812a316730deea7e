import { isAscii } from 'node:buffer';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
} from 'node:fs';
import type { Chunk, CommitRef, LineRange, SourceKind } from '../model/chunk.js';
import { memberName } from '../model/member-name.js';
import type { SkipReason } from '../model/outcome.js';
import { nameText } from '../model/path-text.js';
import type { FileTarget, ScanSink, TargetSet } from '../model/source.js';
import { type ArchiveInput, fileFrom } from './archive/archive-input.js';
import type { ArchiveLimits } from './archive/archive-limits.js';
import { endsAsZip, ZIP_TAIL_BYTES, type ZipSpan, zipSpan } from './archive/ends-as-zip.js';
import {
  isScript,
  PayloadWatch,
  type ScriptPayload,
  scriptPayload,
} from './archive/script-payload.js';
import { type ArchiveFormat, SNIFF_BYTES, sniffArchive } from './archive/sniff-archive.js';
import { sniffUnopened, unopenedDetail } from './archive/sniff-unopened.js';
import type { ByteFilter } from './byte-filter.js';
import { ARENA_BYTES, type ByteScanner, createByteScanner } from './byte-scan.js';
import { decodeUtf16 } from './decode-utf16.js';
import { nameCandidates, namesOf, nameViews } from './name-candidates.js';
import { targetNames } from './target-set.js';

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

/** What names a name: its display form, and its exact bytes when they are not UTF-8. */
export type NameLabel = Pick<ReadLabel, 'path' | 'pathBytes'>;

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
  /** Archives and compressed files are opened (default), with these limits; false: never. */
  readonly archives?: Partial<ArchiveLimits> | false;
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

/**
 * Files are read in windows of this size (the start of the scanner's arena); almost every file
 * fits in one. A window becomes a string of up to twice its size, and the engine's indexes over
 * it: 1 MiB windows instead of 4 MiB took the bench tree's peak RSS from ~182 to ~131 MiB (the
 * 128 KiB overlap is re-read once per window of a large file). Just under 1 MiB: Node makes a
 * Latin-1 or UTF-16 string of more than ~1,000,000 bytes outside V8's heap, where dead window
 * strings piled up (~20 MiB on a large JSON file) until a full collection; below it V8 counts
 * them and frees them in step.
 */
const WINDOW_BYTES = 960 * 1024;
/**
 * Consecutive windows overlap by this much, and each owns the findings that start in its middle
 * part: every owned finding has at least half of this as context on both sides, more than any
 * key, token or pairing reach needs (16,000 characters at most), so a key across a window edge is
 * found once, as if the file were read whole.
 */
const OVERLAP_BYTES = 128 * 1024;

/**
 * Longer ASCII text is handed to the engine in parts of at most this many characters: V8 keeps a
 * string (and an array) under 128 KiB in its young generation, where making and dropping one
 * costs little, and gives a larger one pages of its own, which the kernel must zero and map on
 * every window (on the bench tree, a 960 KiB window's string cost 3.4 ms to make, 64 KiB ones
 * ~0.3 ms per MB; the engine's per-window arrays behave the same).
 */
const PART_CHARS = 120 * 1024;
/**
 * Each part answers for its middle and sees this much of the window on each side: more than the
 * farthest any finding reaches from its start (a labelled secret pairs across an INI section of
 * up to 16,000 characters; encoded and split values reach less).
 */
const PART_CONTEXT = 20 * 1024;
/** A part's edge moves to a line's edge when one is this near (whole lines, as the engine prefers). */
const PART_SLACK = 4 * 1024;
/** The middle each part answers for, so that middle, context and slack fit in PART_CHARS. */
const PART_STEP = PART_CHARS - 2 * (PART_CONTEXT + PART_SLACK);

/** A piece-by-piece read starts with a buffer this size, and grows it to a window if it must. */
const SMALL_PIECES = 64 * 1024;
/** Finished piece buffers kept for reuse. */
const SPARE_BUFFERS = 4;
/** Below this much room left in the buffer, the files read so far are scanned first. */
const SMALL_ROOM = 256 * 1024;
/** Batch flags: a rule can match the ASCII view; the bytes may hold UTF-16 text; they do. */
const ASCII_HIT = 1;
const MAY_BE_UTF16 = 2;
const UTF16_HIT = 4;
/** The scanner saw no keyword of an encoded key: the engine need not look for one. */
const PLAIN_ONLY = 8;

const ZTXT = Buffer.from('zTXt');
const ITXT = Buffer.from('iTXt');

function holdsCompressedText(png: Buffer): boolean {
  return png.indexOf(ZTXT) !== -1 || png.indexOf(ITXT) !== -1;
}

/** Content arriving in pieces, scanned window by window as they come. */
interface PieceWindows {
  push(piece: Buffer): void;
  /** The last bytes pushed (up to ZIP_TAIL_BYTES, as far as the buffer still holds them). */
  tail(): Buffer;
  finish(): ReadResult;
}

/**
 * The pieces an archive reader sees: the bytes already read, then the rest of the source, each
 * piece handed to `tap` as it passes. Leaving early does not close the source: the caller reads on.
 */
function replayThenRest(
  first: Buffer,
  source: AsyncIterator<Buffer>,
  tap: (piece: Buffer) => void,
): AsyncIterable<Buffer> {
  let replayed = false;
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<Buffer>> {
        if (!replayed) {
          replayed = true;
          return { done: false, value: first };
        }
        const next = await source.next();
        if (next.done !== true) tap(next.value);
        return next;
      },
      async return(): Promise<IteratorResult<Buffer>> {
        return { done: true, value: undefined };
      },
    }),
  };
}

/** An archive met while reading a batch: opened once the batch is scanned. */
interface Deferred {
  readonly format: ArchiveFormat;
  readonly input: ArchiveInput;
  readonly label: ReadLabel;
  /** What a gzip payload after a script's text is called (it has no file name of its own). */
  readonly name?: string;
}

/** Something to open inside content, from `at` to `end` (the content's end when not given). */
interface Embedded {
  readonly format: ArchiveFormat;
  readonly at: number;
  readonly end?: number;
}

/** What content may start as with a zip appended after it (see containerOf). */
const BEFORE_A_ZIP: ReadonlySet<ArchiveFormat> = new Set(['zlib', 'png', 'pdf']);

/** The label of a script's compressed payload when its gzip header stores no name. */
const PAYLOAD_NAME = 'payload';

/** A file read into the shared buffer, waiting for its batch's keyword search. */
interface Pending {
  readonly target: FileTarget;
  readonly label: ReadLabel;
  readonly start: number;
  readonly end: number;
}

/** readlink's answer for a name that is not a symbolic link. */
const NOT_A_LINK = Symbol('not a link');
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
  /** Absolute offset up to which earlier windows answered for findings. */
  ownedUntil: number;
  candidate: boolean;
}

function isUtf8Continuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** Keyword starts counted from `shift` bytes later (a byte-order mark left out), those before it dropped. */
function startsFrom(starts: Int32Array | undefined, shift: number): Int32Array | undefined {
  if (starts === undefined) return undefined;
  const kept = starts.filter((at) => at >= shift);
  for (let i = 0; i < kept.length; i++) kept[i] = (kept[i] as number) - shift;
  return kept;
}

/** A name with a `..` component: it climbs out of the folder it is listed under. */
const CLIMBS = /(?:^|\/)\.\.(?:\/|$)/;

/**
 * The names of a folder's entries that are symbolic links (as Latin-1 text of their bytes when
 * `latin1`, else as UTF-8 text), or undefined when it cannot be listed. Only links matter: a file
 * or a FIFO where a folder should be makes the open fail (ENOTDIR), and it is reported so.
 */
function linksIn(dir: string | Buffer, latin1: boolean): Set<string> | undefined {
  try {
    const out = new Set<string>();
    if (latin1) {
      for (const e of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }))
        if (e.isSymbolicLink()) out.add((e.name as unknown as Buffer).toString('latin1'));
    } else {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isSymbolicLink()) out.add(e.name);
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * `rel` below `root`: the root as its UTF-8 bytes, and `rel` as the bytes its Latin-1 text stands
 * for when `latin1` (a name that is not UTF-8).
 */
function pathUnder(root: string, rel: string, latin1: boolean): string | Buffer {
  return latin1
    ? Buffer.concat([Buffer.from(root), Buffer.from(`/${rel}`, 'latin1')])
    : `${root}/${rel}`;
}

/** Whether this exact path is a symbolic link (anything else, missing included, is not). */
function isLink(path: string | Buffer): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    return false;
  }
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
  /** A stream up to this size is held until its end, in case that end shows a zip. */
  private readonly holdBytes: number;
  private buffer: Buffer | undefined;
  /** Buffers of finished piece-by-piece reads, for the next ones. */
  private readonly spare: Buffer[] = [];
  /** One SIMD pass per file for every keyword, NUL and value runs; undefined without WebAssembly SIMD. */
  private readonly scanner: ByteScanner | undefined;

  constructor(options: ReaderOptions) {
    this.options = options;
    this.window = Math.min(options.windowBytes ?? WINDOW_BYTES, WINDOW_BYTES);
    this.holdBytes = Math.min(options.windowBytes ?? ARENA_BYTES, ARENA_BYTES);
    const overlap = options.overlapBytes ?? OVERLAP_BYTES;
    this.half = Math.max(1, Math.floor(Math.min(overlap, this.window / 4) / 2));
    const words = options.filter.words;
    this.scanner = words === undefined ? undefined : createByteScanner(words, options.filter.bits);
  }

  /** The reused read buffer: the scanner's own memory when there is one (read once, scanned in place). */
  private scratch(): Buffer {
    this.buffer ??=
      this.scanner === undefined
        ? Buffer.allocUnsafe(this.window)
        : this.scanner.arena.subarray(0, this.window);
    return this.buffer;
  }

  /**
   * ASCII_HIT when some rule can match the UTF-8 view of buf[start, end); UTF16_HIT when a keyword
   * occurs as UTF-16 (the scanner looks for both forms at once). Without a scanner: MAY_BE_UTF16
   * for a NUL byte, and the UTF-16 keywords are searched later.
   */
  private inspect(buf: Buffer, start: number, end: number): number {
    const scanner = this.scanner;
    const filter = this.options.filter;
    if (scanner !== undefined) {
      const scan = scanner.scanBytes(buf, start, end);
      const ascii =
        (filter.wants(scan) ? ASCII_HIT : 0) |
        (filter.encoded !== undefined && !filter.encoded(scan) ? PLAIN_ONLY : 0);
      if (filter.wants16 === undefined) return ascii | (scan.nul ? MAY_BE_UTF16 : 0);
      return ascii | (filter.wants16(scan) ? UTF16_HIT : 0);
    }
    const ascii = filter.ascii(buf, start, end) ? ASCII_HIT : 0;
    return ascii | (buf.subarray(start, end).includes(0) ? MAY_BE_UTF16 : 0);
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

  /**
   * Which of these names may hold a finding (see name-candidates.ts): one pass of the scanner over
   * them all. Only between reads: the scanner's arena is overwritten.
   */
  nameCandidates(names: readonly NameLabel[]): number[] {
    if (names.length === 0) return [];
    return nameCandidates(namesOf(names.map((n) => n.path)), this.options.filter, this.scanner);
  }

  /**
   * The names of a set of files (a tree's listing, before its files are read, on whichever
   * threads): every file's name is text a key can be written in, whether its content is read or
   * skipped. One search over all of them, on this thread.
   */
  readTargetNames(set: TargetSet, sink: ReadSink): void {
    const names = targetNames(set);
    if (names.count === 0) return;
    for (const i of nameCandidates(names, this.options.filter, this.scanner))
      this.readName(names.label(i), sink);
  }

  /**
   * A name (a file's path, a pushed ref) as text for the engine, each of its views a chunk of its
   * own: a key pair written in a name is found like one in a file, and reported at the name. Not
   * counted as content read.
   */
  readName(label: ReadLabel, sink: ReadSink): void {
    const text = nameText(label.path, label.pathBytes);
    for (const view of nameViews(text)) {
      sink.chunk({
        source: this.options.source,
        path: label.path,
        ...(label.pathBytes === undefined ? {} : { pathBytes: label.pathBytes }),
        text: view,
        name: true,
        ...(label.commit === undefined ? {} : { commit: label.commit }),
      });
    }
  }

  /** The names that may hold a finding, each read by readName. Returns their indexes. */
  readNames(names: readonly ReadLabel[], sink: ReadSink): number[] {
    const found = this.nameCandidates(names);
    for (const i of found) this.readName(names[i] as ReadLabel, sink);
    return found;
  }

  /** A file on disk. Links are never followed; FIFOs and devices are never waited on. */
  readFile(target: FileTarget, sink: ReadSink): Promise<void> {
    return this.readFiles([target], sink);
  }

  /**
   * Files on disk, read into one buffer side by side and checked for keywords together: most
   * files hold none, and one search over many small files costs far less than one per file. A
   * keyword found across two files' boundary only makes the first one be decoded for nothing.
   */
  async readFiles(targets: readonly FileTarget[], sink: ReadSink): Promise<void> {
    const arena = this.scratch();
    const pending: Pending[] = [];
    const archives: Deferred[] = [];
    let fill = 0;
    for (const target of targets) {
      if (arena.length - fill < SMALL_ROOM) {
        this.scanBatch(arena, fill, pending, sink, archives);
        fill = 0;
      }
      const label: ReadLabel = {
        path: target.path,
        ...(target.pathBytes === undefined ? {} : { pathBytes: target.pathBytes }),
      };
      const opened = this.open(target, label, sink);
      if (opened === undefined) continue;
      if (typeof opened !== 'number') {
        fill = await this.pendLink(opened, target, label, sink, fill, pending, archives);
        continue;
      }
      const fd = opened;
      const start = fill;
      try {
        const size = target.size ?? -1;
        let end = fillFrom(fd, arena, start, size < 0 ? -1 : start + size);
        if (end === arena.length && start > 0) {
          // Out of room beside the files already read: scan those, then carry on alone.
          this.scanBatch(arena, start, pending, sink, archives);
          arena.copyWithin(0, start, end);
          end = fillFrom(fd, arena, end - start, size);
          fill = 0;
        }
        if (end === arena.length) {
          if (this.behindLink(target, label, sink)) {
            fill = 0;
            continue;
          }
          const head = this.containerOf(arena, 0, end, false, label, sink);
          // A script's payload is looked for as the windows pass (see readLarge).
          const watch =
            head === undefined && this.options.archives !== false && isScript(arena, 0, end)
              ? new PayloadWatch()
              : undefined;
          // An archive too large to hold is opened again by path, after its raw bytes are read;
          // a zip is also known by its end (one behind a launch script or a stub).
          if (this.readLarge(fd, arena, end, label, sink, watch)) {
            const tail = head === undefined ? this.zipTail(fd) : undefined;
            const format = head ?? (tail === 'end' ? 'zip' : undefined);
            if (format === undefined && tail === 'trailing' && watch?.found === undefined) {
              this.skip(
                label,
                sink,
                'archive-unreadable',
                'a zip with other bytes after it, in a file too large to hold: its entries were not opened',
              );
            }
            const payload = watch?.found;
            if (format !== undefined)
              archives.push({ format, input: { kind: 'file', path: target.abs }, label });
            else if (
              payload !== undefined &&
              this.openablePayload(payload, label, sink) &&
              payload.opens !== undefined
            )
              archives.push({
                format: payload.opens,
                input: { kind: 'stream', pieces: fileFrom(target.abs, payload.at) },
                label,
                name: PAYLOAD_NAME,
              });
          }
          fill = 0;
          continue;
        }
        const from = fill;
        if (this.overLimit(end - from)) {
          this.skip(
            label,
            sink,
            'too-large',
            `${end - from} bytes, over the size limit`,
            end - from,
          );
          continue;
        }
        pending.push({ target, label, start: from, end });
        fill = end;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === undefined) throw error;
        const reason = readError(code, target);
        this.skip(label, sink, reason, reason === 'unreadable' ? code : undefined);
      } finally {
        closeSync(fd);
      }
    }
    this.scanBatch(arena, fill, pending, sink, archives);
    for (const a of archives) await this.expand(a.format, a.input, a.label, sink, a.name);
  }

  /**
   * A link's text joins the batch like a small file: the same keyword search, and the same check
   * that no folder on its path is a link before anything is reported. Returns the new fill.
   */
  private async pendLink(
    text: Buffer,
    target: FileTarget,
    label: ReadLabel,
    sink: ReadSink,
    fill: number,
    pending: Pending[],
    archives: Deferred[],
  ): Promise<number> {
    if (this.overLimit(text.length)) {
      this.skip(label, sink, 'too-large', `${text.length} bytes, over the size limit`, text.length);
      return fill;
    }
    const arena = this.scratch();
    let at = fill;
    if (arena.length - at < text.length) {
      this.scanBatch(arena, at, pending, sink, archives);
      at = 0;
    }
    if (text.length > arena.length) {
      // Only a window made smaller than a path (tests) gets here: the batch is scanned, so the
      // arena is free for the reader's own use.
      if (!this.behindLink(target, label, sink)) await this.readBytes(text, label, sink);
      return 0;
    }
    const end = at + text.copy(arena, at);
    pending.push({ target, label, start: at, end });
    return end;
  }

  /**
   * A symbolic link's own text (what git stores as its blob, and a push or a clone carries), or
   * why it could not be read (undefined), or NOT_A_LINK. readlink reads the link itself: what it
   * points to is never opened, so a link to /dev/zero or to a file outside the tree reads as the
   * few bytes of its name.
   */
  private linkText(
    target: FileTarget,
    label: ReadLabel,
    sink: ReadSink,
  ): Buffer | typeof NOT_A_LINK | undefined {
    try {
      return readlinkSync(target.abs, { encoding: 'buffer' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINVAL') return NOT_A_LINK;
      // ELOOP here: too many links among the folders on its path (a 'symlink' skip).
      const reason = readError(code, target);
      this.skip(
        label,
        sink,
        reason,
        reason === 'unreadable' ? (code ?? 'readlink failed') : undefined,
      );
      return undefined;
    }
  }

  /** A listed name, as text to look at (never the joined path, which stays unflattened). */
  private nameOf(target: FileTarget, root: string): string {
    const abs = target.abs;
    // Bytes as Latin-1 text (one character each) when the name is not UTF-8; its display path,
    // which escapes such bytes, would not give the folders' names back.
    return typeof abs === 'string'
      ? target.path
      : abs.toString('latin1', Buffer.byteLength(root) + (root.endsWith('/') ? 0 : 1));
  }

  /** A listed name that climbs out of its listing's folder (`..`: a crafted index): never opened. */
  private climbsOut(target: FileTarget): boolean {
    const root = target.root;
    if (root === undefined) return false;
    const name = this.nameOf(target, root);
    return name.includes('..') && CLIMBS.test(name);
  }

  /**
   * Whether a listed file lies behind a folder that is a symbolic link (a work tree git did not
   * write: git lists the file as deleted, and what the name reads is a file elsewhere, even
   * outside the tree); if so, it is a skip, and nothing of what it holds is reported. Asked only
   * before a file would report something (a candidate, a large file, an archive): most files
   * report nothing, and a check per file cost ~3% of a whole scan.
   */
  private behindLink(target: FileTarget, label: ReadLabel, sink: ReadSink): boolean {
    const root = target.root;
    if (root === undefined) return false;
    const name = this.nameOf(target, root);
    const slash = name.lastIndexOf('/');
    if (slash <= 0) return false;
    const latin1 = typeof target.abs !== 'string';
    // Files come folder by folder: the previous file's folder answers most, uncopied.
    const last = this.lastFolder;
    let real: boolean;
    if (
      last !== undefined &&
      last.root === root &&
      last.latin1 === latin1 &&
      last.dir.length === slash &&
      name.startsWith(last.dir)
    ) {
      real = last.real;
    } else {
      const dir = name.slice(0, slash);
      real = this.realFolder(root, dir, latin1);
      this.lastFolder = { root, dir, latin1, real };
    }
    if (!real) this.skip(label, sink, 'symlink', 'a folder on its path is a symbolic link');
    return !real;
  }

  /** The folder of the last listed file looked at, and what it is. */
  private lastFolder: { root: string; dir: string; latin1: boolean; real: boolean } | undefined;
  /** Per listing folder: whether each folder below it has no link on its way (true) or has one. */
  private readonly folders = new Map<string, Map<string, boolean>>();
  /** Per listing folder: the names of each parent folder's entries that are links, listed once. */
  private readonly listed = new Map<string, Map<string, Set<string> | undefined>>();

  /**
   * Whether `dir` (a name's folder, below `root`) and every folder above it are folders and not
   * links. One listing of each parent folder answers for all its entries: ~200 readdir calls on a
   * tree of 40,000 files in 4,000 folders. A folder missing from its parent is left to open(),
   * which says so. Names not UTF-8 (`latin1`) are kept apart: their Latin-1 text can equal a
   * UTF-8 name's.
   */
  private realFolder(root: string, dir: string, latin1: boolean): boolean {
    const space = latin1 ? `\0${root}` : root;
    let folders = this.folders.get(space);
    if (folders === undefined) {
      folders = new Map();
      this.folders.set(space, folders);
    }
    const known = folders.get(dir);
    if (known !== undefined) return known;
    const up = dir.lastIndexOf('/');
    const parent = up === -1 ? '' : dir.slice(0, up);
    let real = up === -1 || this.realFolder(root, parent, latin1);
    if (real) {
      let listed = this.listed.get(space);
      if (listed === undefined) {
        listed = new Map();
        this.listed.set(space, listed);
      }
      if (!listed.has(parent)) {
        listed.set(parent, linksIn(parent === '' ? root : pathUnder(root, parent, latin1), latin1));
      }
      const base = dir.slice(up + 1);
      const links = listed.get(parent);
      // A name listed as a link is looked at itself (names that are not UTF-8 read back as the
      // same text as some that are: only the exact name's answer counts), and so is every name
      // in a folder that cannot be listed but may still be passed through.
      if (links === undefined || links.has(base)) {
        real = !isLink(pathUnder(root, dir, latin1));
      }
    }
    folders.set(dir, real);
    return real;
  }

  /**
   * Opens a file to read; a symbolic link gives its own text instead (see linkText); otherwise
   * says why not (submodules, FIFOs, devices, errors). A name listed as a link that is not one is
   * opened like a file: where git could not make links (core.symlinks=false) the file holds the
   * link's text, and a link replaced by a file holds whatever was written.
   */
  private open(target: FileTarget, label: ReadLabel, sink: ReadSink): number | Buffer | undefined {
    if (target.kind === 'gitlink') {
      this.skip(label, sink, 'submodule', 'a commit of another repository');
      return undefined;
    }
    if (target.kind === 'special') {
      // A FIFO, socket or device met while walking a folder: no content of its own to read.
      this.skip(label, sink, target.explicit === true ? 'special' : 'not-regular');
      return undefined;
    }
    if (this.climbsOut(target)) {
      this.skip(label, sink, 'unreadable', "its name climbs out of the work tree ('..')");
      return undefined;
    }
    if (target.kind === 'symlink') {
      // Asked as a link first: where the system has no O_NOFOLLOW, opening one would follow it.
      const text = this.linkText(target, label, sink);
      if (text !== NOT_A_LINK) return text;
    }
    let fd: number;
    try {
      fd = openSync(target.abs, OPEN_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ELOOP' || code === 'EMLINK') {
        const text = this.linkText(target, label, sink);
        if (text !== NOT_A_LINK) return text;
        // A link when opened, something else a moment later: say so rather than guess.
        this.skip(label, sink, 'unreadable', 'changed while being read');
        return undefined;
      }
      const reason = readError(code, target);
      this.skip(label, sink, reason, reason === 'unreadable' ? (code ?? 'open failed') : undefined);
      return undefined;
    }
    // Only a file named on the command line is asked what it is before reading: listed files are
    // regular files (git or the folder walk said so), and a read that goes on and on asks later.
    if (target.explicit === true) {
      let s: ReturnType<typeof fstatSync>;
      try {
        s = fstatSync(fd);
      } catch (error) {
        closeSync(fd);
        this.skip(
          label,
          sink,
          'unreadable',
          (error as NodeJS.ErrnoException).code ?? 'fstat failed',
        );
        return undefined;
      }
      if (!s.isFile()) {
        closeSync(fd);
        if (s.isDirectory()) this.skip(label, sink, 'not-regular');
        else this.skip(label, sink, 'special', 'not a regular file (FIFO, socket or device)');
        return undefined;
      }
    }
    return fd;
  }

  /** One search per keyword over files read side by side; only files with a hit are decoded. */
  private scanBatch(
    arena: Buffer,
    fill: number,
    pending: Pending[],
    sink: ReadSink,
    archives: Deferred[],
  ): void {
    if (pending.length === 0) return;
    const flags = new Uint8Array(pending.length);
    const region = arena.subarray(0, fill);
    const fileAt = (offset: number): number => {
      let lo = 0;
      let hi = pending.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((pending[mid] as Pending).start <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const mark = (needle: Buffer | number, flag: number): void => {
      let at = region.indexOf(needle, 0);
      while (at !== -1) {
        const f = fileAt(at);
        flags[f] = (flags[f] as number) | flag;
        const next = (pending[f] as Pending).end;
        at = next >= fill ? -1 : region.indexOf(needle, next);
      }
    };
    const words = this.options.filter.words;
    // Where the scan saw keywords start, per file with a hit: the engine need not search again.
    const starts: (Int32Array | undefined)[] = [];
    const scanner = this.scanner;
    if (scanner !== undefined) {
      for (let i = 0; i < pending.length; i++) {
        const f = pending[i] as Pending;
        const flag = this.inspect(arena, f.start, f.end);
        flags[i] = flag;
        if ((flag & ASCII_HIT) !== 0) starts[i] = scanner.keywordStarts();
      }
    } else {
      if (words === undefined) flags.fill(ASCII_HIT);
      else for (const w of words) mark(w, ASCII_HIT);
      // UTF-16 text holds NUL bytes (ASCII in UTF-16 always does); a byte-order mark alone too.
      mark(0, MAY_BE_UTF16);
    }
    for (let i = 0; i < pending.length; i++) {
      const f = pending[i] as Pending;
      const b0 = arena[f.start];
      const b1 = arena[f.start + 1];
      if (f.end - f.start >= 2 && ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)))
        flags[i] = (flags[i] as number) | MAY_BE_UTF16;
    }
    for (let i = 0; i < pending.length; i++) {
      const f = pending[i] as Pending;
      const flag = flags[i] as number;
      if (flag !== 0) {
        if (this.behindLink(f.target, f.label, sink)) continue;
        const p = this.start(f.label, sink);
        this.scanWindow(p, arena, f.start, f.end, true, flag, starts[i]);
      }
      sink.read(f.end - f.start);
      const seen: { zip?: ZipSpan } = {};
      const format = this.containerOf(arena, f.start, f.end, true, f.label, sink, f.target, seen);
      // Copied: the buffer is reused for the next files before archives are opened.
      if (format !== undefined) {
        const data = Buffer.from(arena.subarray(f.start, f.end));
        archives.push({ format, input: { kind: 'buffer', data }, label: f.label });
      }
      // A zip may lie after what content starts as (BEFORE_A_ZIP), or after a stub.
      const payload =
        format === undefined || BEFORE_A_ZIP.has(format)
          ? this.payloadOf(arena, f.start, f.end, f.label, sink, f.target, seen.zip)
          : undefined;
      if (payload !== undefined) {
        const to = payload.end === undefined ? f.end : f.start + payload.end;
        const data = Buffer.from(arena.subarray(f.start + payload.at, to));
        archives.push({
          format: payload.format,
          input: { kind: 'buffer', data },
          label: f.label,
          name: PAYLOAD_NAME,
        });
      }
    }
    pending.length = 0;
  }

  /** A file larger than the buffer: read in overlapping windows (its first `filled` bytes are in). */
  private readLarge(
    fd: number,
    buf: Buffer,
    first: number,
    label: ReadLabel,
    sink: ReadSink,
    /** Given for a script: sees every byte read, to find the payload after its text. */
    watch?: PayloadWatch,
  ): boolean {
    // A window's worth and more: make sure this is a file and not a device that never ends.
    const s = fstatSync(fd);
    if (!s.isFile()) {
      this.skip(label, sink, 'special', 'not a regular file (FIFO, socket or device)');
      return false;
    }
    if (this.overLimit(s.size)) {
      this.skip(label, sink, 'too-large', `${s.size} bytes, over the size limit`, s.size);
      return false;
    }
    const p = this.start(label, sink);
    let filled = first;
    let total = filled;
    watch?.push(buf.subarray(0, filled));
    for (;;) {
      const next = this.scanWindow(p, buf, 0, filled, false);
      buf.copyWithin(0, next, filled);
      const kept = filled - next;
      const got = fillFrom(fd, buf, kept);
      if (watch !== undefined && !watch.done) watch.push(buf.subarray(kept, got));
      total += got - kept;
      filled = got;
      if (filled < buf.length) break;
    }
    watch?.finish();
    this.scanWindow(p, buf, 0, filled, true);
    sink.read(total);
    return true;
  }

  /**
   * Bytes already in memory, known not to need opening as an archive (a rule's examples). Never
   * copied.
   */
  readText(data: Buffer, label: ReadLabel, sink: ReadSink): ReadResult {
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

  /** Bytes already in memory (a git blob, a small standard input); an archive is opened too. */
  async readBytes(data: Buffer, label: ReadLabel, sink: ReadSink): Promise<ReadResult> {
    const result = this.readText(data, label, sink);
    if (!result.skipped) await this.openContainer(data, label, sink);
    return result;
  }

  /**
   * Opens bytes in memory as the archive they start as, if they do (an unopenable format is
   * reported unread); their own text is the caller's to scan. For content that holds an archive
   * after a known point, such as a commit message's bytes after a NUL.
   */
  async openContainer(data: Buffer, label: ReadLabel, sink: ReadSink): Promise<void> {
    const seen: { zip?: ZipSpan } = {};
    const format = this.containerOf(data, 0, data.length, true, label, sink, undefined, seen);
    if (format !== undefined) await this.expand(format, { kind: 'buffer', data }, label, sink);
    // A zip may lie after what content starts as (BEFORE_A_ZIP), or after a stub.
    if (format === undefined || BEFORE_A_ZIP.has(format))
      await this.openPayload(data, label, sink, seen.zip);
  }

  /** Opens a payload appended to a script's text in content held whole (see scriptPayload). */
  private async openPayload(
    data: Buffer,
    label: ReadLabel,
    sink: ReadSink,
    zip = zipSpan(data, 0, data.length),
  ): Promise<void> {
    const payload = this.payloadOf(data, 0, data.length, label, sink, undefined, zip);
    if (payload === undefined) return;
    const { format, at, end } = payload;
    const inner = data.subarray(at, end);
    await this.expand(format, { kind: 'buffer', data: inner }, label, sink, PAYLOAD_NAME);
  }

  /**
   * Content that arrives in pieces (standard input, a large blob, an archive entry). An archive is
   * opened as the pieces pass, and its bytes are scanned as they are too (content outside its
   * entries, such as data after a tar's end, is not lost).
   */
  async readPieces(
    pieces: AsyncIterable<Buffer>,
    label: ReadLabel,
    sink: ReadSink,
    /** false for an archive's own entries: the archive reader opened nested archives already. */
    expand = true,
  ): Promise<ReadResult> {
    const source = pieces[Symbol.asyncIterator]();
    const windows = this.pieceWindows(label, sink);
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    while (expand && this.options.archives !== false && headBytes < SNIFF_BYTES) {
      const next = await source.next();
      if (next.done === true) {
        ended = true;
        break;
      }
      head.push(next.value);
      headBytes += next.value.length;
    }
    const first = Buffer.concat(head);
    const format = expand
      ? this.containerOf(first, 0, first.length, ended, label, sink)
      : undefined;
    for (const piece of head) windows.push(piece);
    if (format !== undefined && !ended) {
      // The archive reader sees the rest of the pieces through a tap that scans them too, and
      // cannot close the source: whatever it leaves unread is scanned after it.
      const replayed = replayThenRest(first, source, (piece) => windows.push(piece));
      await this.expand(format, { kind: 'stream', pieces: replayed }, label, sink);
    } else if (format !== undefined) {
      await this.expand(format, { kind: 'buffer', data: first }, label, sink);
    }
    // A zip can also be known by its end only (behind a launch script or a stub): a small
    // top-level stream (standard input) is held until then, so it can still be opened.
    const tailed = format === undefined && !ended && this.options.archives !== false;
    let held: Buffer[] | undefined = tailed && expand ? [first] : undefined;
    let heldBytes = first.length;
    // A script's payload, wherever it starts: opened from what was held when all of it was, else
    // listed (a stream too large to hold, an archive's entry).
    const watch =
      format === undefined && this.options.archives !== false ? new PayloadWatch() : undefined;
    watch?.push(first);
    const whole = ended;
    while (!ended) {
      const next = await source.next();
      if (next.done === true) break;
      windows.push(next.value);
      watch?.push(next.value);
      if (held === undefined) continue;
      heldBytes += next.value.length;
      if (heldBytes <= this.holdBytes) held.push(Buffer.from(next.value));
      else held = undefined;
    }
    watch?.finish();
    const zipAtEnd = tailed && endsAsZip(windows.tail());
    if (zipAtEnd) {
      if (held !== undefined) {
        await this.expand('zip', { kind: 'buffer', data: Buffer.concat(held) }, label, sink);
      } else {
        // Too large to have held, or an archive's own entry: what it holds was not read.
        this.skip(
          label,
          sink,
          'archive-unreadable',
          'a zip with other bytes before it (an executable jar, a self-extracting archive) in a stream too large to hold or inside another archive: its entries were not opened',
        );
      }
    } else if (format === undefined && expand && this.options.archives !== false) {
      // Held whole: a script's payload, or a zip with bytes after it, opened from memory.
      const content = whole ? first : held === undefined ? undefined : Buffer.concat(held);
      const tail = windows.tail();
      if (content !== undefined) await this.openPayload(content, label, sink);
      else if (watch?.found !== undefined)
        this.payloadUnopened(watch.found, 'in a stream too large to hold', label, sink);
      else if (tailed && zipSpan(tail, 0, tail.length) !== undefined) {
        this.skip(
          label,
          sink,
          'archive-unreadable',
          'a zip with other bytes after it in a stream too large to hold: its entries were not opened',
        );
      }
    } else if (format === undefined && watch?.found !== undefined) {
      this.payloadUnopened(watch.found, 'inside another archive', label, sink);
    }
    return windows.finish();
  }

  /** Windows over content that arrives in pieces, in a buffer of its own (reads may interleave). */
  private pieceWindows(label: ReadLabel, sink: ReadSink): PieceWindows {
    // Most content in pieces is small (archive entries): a buffer grows to a window only when
    // needed, and is given back for the next item, so thousands of entries allocate next to nothing.
    let buf = this.spare.pop() ?? Buffer.allocUnsafe(SMALL_PIECES);
    const p = this.start(label, sink);
    let filled = 0;
    let total = 0;
    let over = false;
    return {
      push: (piece) => {
        if (over) return;
        let from = 0;
        while (from < piece.length) {
          const take = Math.min(piece.length - from, buf.length - filled);
          piece.copy(buf, filled, from, from + take);
          filled += take;
          from += take;
          total += take;
          if (this.overLimit(total)) {
            over = true;
            this.skip(
              label,
              sink,
              'too-large',
              `over the size limit; the first ${total - take} bytes were scanned`,
            );
            return;
          }
          if (filled === buf.length && buf.length < this.window) {
            const bigger = Buffer.allocUnsafe(Math.min(this.window, buf.length * 4));
            buf.copy(bigger, 0, 0, filled);
            buf = bigger;
          } else if (filled === buf.length) {
            const next = this.scanWindow(p, buf, 0, filled, false);
            buf.copyWithin(0, next, filled);
            filled -= next;
          }
        }
      },
      tail: () => buf.subarray(Math.max(0, filled - ZIP_TAIL_BYTES), filled),
      finish: () => {
        const done = (result: ReadResult): ReadResult => {
          if (this.spare.length < SPARE_BUFFERS) this.spare.push(buf);
          return result;
        };
        if (over) return done({ bytes: total, candidate: p.candidate, skipped: true });
        this.scanWindow(p, buf, 0, filled, true);
        sink.read(total);
        return done({ bytes: total, candidate: p.candidate, skipped: false });
      },
    };
  }

  /**
   * The archive format to open content starting at buf[start] as, when archives are opened at
   * all. `whole`: buf[start, end) is all of the content, so a zip is also known by its end. A
   * format keyguard does not open (xz, zstd, 7z…) is a skip: what it holds was not read.
   */
  private containerOf(
    buf: Buffer,
    start: number,
    end: number,
    whole: boolean,
    label: ReadLabel,
    sink: ReadSink,
    /** A listed file that has not reported yet: one behind a linked folder reports nothing. */
    target?: FileTarget,
    /** Receives where a zip lies that is not the whole content (from `start`), for payloadOf. */
    seen?: { zip?: ZipSpan },
  ): ArchiveFormat | undefined {
    if (this.options.archives === false || end - start < 2) return undefined;
    const head = buf.subarray(start, Math.min(end, start + SNIFF_BYTES));
    const format = sniffArchive(head);
    let sniffed = format;
    if (format !== undefined && BEFORE_A_ZIP.has(format) && whole) {
      // A zip found by its end behind what these start like: a stub that starts `x^`, a zlib
      // stream, an image or a document with a zip appended (a polyglot unzip opens).
      const zip = zipSpan(buf, start, end);
      if (zip?.start === start && zip.end === end) sniffed = 'zip';
      else if (zip !== undefined && seen !== undefined)
        seen.zip = { start: zip.start - start, end: zip.end - start };
    }
    // A PNG opens only for its compressed text chunks: most images have none, and need no more.
    if (sniffed === 'png' && whole && !holdsCompressedText(buf.subarray(start, end)))
      return undefined;
    if (sniffed !== undefined)
      return target !== undefined && this.behindLink(target, label, sink) ? undefined : sniffed;
    const unopened = sniffUnopened(head);
    if (unopened !== undefined) {
      if (target === undefined || !this.behindLink(target, label, sink))
        this.skip(label, sink, 'archive-unreadable', unopenedDetail(unopened));
      return undefined;
    }
    if (!whole) return undefined;
    const zip = zipSpan(buf, start, end);
    if (zip?.end === end && zip.start === start)
      return target !== undefined && this.behindLink(target, label, sink) ? undefined : 'zip';
    if (seen !== undefined && zip !== undefined)
      seen.zip = { start: zip.start - start, end: zip.end - start };
    return undefined;
  }

  /**
   * What to open inside buf[start, end) that does not start there: a payload appended to a
   * script's text (see scriptPayload; one keyguard does not open is a skip), or a zip with other
   * bytes after its end. Offsets count from `start`.
   */
  private payloadOf(
    buf: Buffer,
    start: number,
    end: number,
    label: ReadLabel,
    sink: ReadSink,
    /** A listed file that has not reported yet: one behind a linked folder reports nothing. */
    target?: FileTarget,
    /** Where a zip lies that is not the whole content, as containerOf saw it. */
    zip?: ZipSpan,
  ): Embedded | undefined {
    if (this.options.archives === false) return undefined;
    const payload = scriptPayload(buf, start, end);
    if (payload === undefined) {
      // A zip with bytes after its end record: opened up to there, as unzip would open it.
      if (zip === undefined || (zip.start === 0 && zip.end >= end - start)) return undefined;
      if (target !== undefined && this.behindLink(target, label, sink)) return undefined;
      return { format: 'zip', at: zip.start, end: zip.end };
    }
    if (target !== undefined && this.behindLink(target, label, sink)) return undefined;
    if (!this.openablePayload(payload, label, sink) || payload.opens === undefined)
      return undefined;
    return { format: payload.opens, at: payload.at };
  }

  /** A script's payload that cannot be opened where it is (a stream gone by): a skip. */
  private payloadUnopened(
    payload: ScriptPayload,
    where: string,
    label: ReadLabel,
    sink: ReadSink,
  ): void {
    if (!this.openablePayload(payload, label, sink)) return;
    this.skip(
      label,
      sink,
      'archive-unreadable',
      `a script with ${payload.format} data appended at byte ${payload.at} (a self-extracting installer) ${where}: what it holds was not opened`,
    );
  }

  /** Whether a script's payload is one keyguard opens; any other format is a skip. */
  private openablePayload(payload: ScriptPayload, label: ReadLabel, sink: ReadSink): boolean {
    if (this.options.archives === false) return false;
    if (payload.opens !== undefined) return true;
    this.skip(
      label,
      sink,
      'archive-unreadable',
      `a script with ${payload.format} compressed data appended at byte ${payload.at} (a self-extracting installer): keyguard does not open this format, so what it holds was not read (its raw bytes were scanned)`,
    );
    return false;
  }

  /**
   * Whether an open file ends as a zip does ('end'), or holds a zip's end record with other bytes
   * after it ('trailing'): its last bytes, read again.
   */
  private zipTail(fd: number): 'end' | 'trailing' | undefined {
    if (this.options.archives === false) return undefined;
    const size = fstatSync(fd).size;
    const length = Math.min(size, ZIP_TAIL_BYTES);
    const tail = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(fd, tail, got, length - got, size - length + got);
      if (n === 0) break;
      got += n;
    }
    const zip = zipSpan(tail, 0, got);
    return zip === undefined ? undefined : zip.end === got ? 'end' : 'trailing';
  }

  /** Every entry of an archive, scanned under `archive!entry`; what could not be opened, listed. */
  private async expand(
    format: ArchiveFormat,
    input: ArchiveInput,
    label: ReadLabel,
    sink: ReadSink,
    /** The container's own name, for gzip's member label: the file's name unless given. */
    ownName?: string,
  ): Promise<void> {
    // Loaded on first use: the zip and tar readers stay out of scans that meet no archive.
    const { expandArchive } = await import('./archive/expand-archive.js');
    const name = ownName ?? label.path.slice(label.path.lastIndexOf('/') + 1);
    const limits = this.options.archives === false ? undefined : this.options.archives;
    // Member names come from the content (zip entries, a gzip header's name): shown masked.
    const inner = (path: string) =>
      path === '' ? label.path : `${label.path}!${memberName(path)}`;
    // An entry's lines are all new to a commit that adds the archive: no `reportable` here.
    const within = (path: string): ReadLabel => ({
      path: inner(path),
      ...(label.blobId === undefined ? {} : { blobId: label.blobId }),
      ...(label.commit === undefined ? {} : { commit: label.commit }),
    });
    for await (const item of expandArchive(format, input, {
      name,
      ...(limits === undefined ? {} : { limits }),
      // A nested container's own bytes are scanned under its own label, as a top-level file's
      // are: a key outside its entries (a pax header, a zip comment) is found, and one inside an
      // entry is reported from the entry (apply-filters.ts drops the container's echo).
      containerBytes: (path) => this.pieceWindows(within(path), sink),
    })) {
      if (item.kind === 'skipped') {
        // A tar is stored, not compressed: its raw bytes, scanned already, are all of its content.
        const rawOnly =
          format === 'tar' && item.path === '' && item.reason === 'archive-unreadable';
        sink.skip({
          path: inner(item.path),
          reason: rawOnly ? 'raw-only' : item.reason,
          detail: rawOnly ? `${item.detail}; every byte was scanned as it is` : item.detail,
        });
        continue;
      }
      await this.readPieces(item.data, within(item.path), sink, false);
    }
  }

  private start(label: ReadLabel, sink: ReadSink): Progress {
    return {
      label,
      sink,
      base: 0,
      line: 1,
      column: 1,
      ownedUntil: 0,
      candidate: false,
    };
  }

  /**
   * Scans the window buf[start, end) (absolute offset p.base). Unless it is the last, it owns only
   * up to `end - half` and the next window starts at least `half` before that (on a line start
   * when there is one): returns where the next window starts, and moves `p` there.
   */
  private scanWindow(
    p: Progress,
    buf: Buffer,
    start: number,
    end: number,
    last: boolean,
    /** What a batch search already found (ASCII_HIT, MAY_BE_UTF16); searched here when absent. */
    known?: number,
    /** Where that search saw keywords start (see ByteScanner.keywordStarts), with `known`. */
    knownStarts?: Int32Array,
  ): number {
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
    const flags = known ?? this.inspect(buf, start, end);
    if ((flags & ASCII_HIT) !== 0) {
      p.candidate = true;
      const starts = known === undefined ? this.scanner?.keywordStarts() : knownStarts;
      this.emitUtf8(p, buf, start, end, ownFrom, ownTo, (flags & PLAIN_ONLY) !== 0, starts);
    }
    // UTF-16 views only where UTF-16 text can be: a NUL byte, or a byte-order mark up front.
    const b0 = buf[start];
    const b1 = buf[start + 1];
    const bom = p.base === 0 && ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff));
    const utf16 =
      (flags & UTF16_HIT) !== 0 ||
      ((bom || (flags & MAY_BE_UTF16) !== 0) && filter.utf16(buf, start, end));
    if (utf16) {
      p.candidate = true;
      this.emitUtf16(p, buf, start, end, ownFrom, ownTo, last);
      // Content of odd length ends in a byte with no partner: the last character of big-endian
      // text read one byte late, or a stray byte after little-endian text (then read as part of
      // the text it would spoil the value it touches). Both readings are scanned; the same
      // finding in both is reported once, and a pair in one wins over its key ID alone in the
      // other (apply-filters.ts).
      if (last && (p.base + end - start) % 2 === 1 && end - start >= 2)
        this.emitUtf16(p, buf, start, end - 1, ownFrom, Math.min(ownTo, end - 1), true);
    }
    if (!last) {
      p.ownedUntil = p.base + (ownTo - start);
      this.advance(p, buf, start, next);
    }
    return next;
  }

  /**
   * `gitLines`: the chunk's line numbers are git's (lines end at LF bytes). A UTF-16 view counts
   * its own lines, so a staged file's added-line ranges say nothing about it: all of it is
   * reported (a UTF-16 key appended to a text file would otherwise fall outside the ranges).
   */
  private chunk(p: Progress, text: string, fields: Partial<Chunk>, gitLines = true): void {
    const l = p.label;
    p.sink.chunk({
      source: this.options.source,
      path: l.path,
      ...(l.pathBytes === undefined ? {} : { pathBytes: l.pathBytes }),
      text,
      ...(l.blobId === undefined ? {} : { blobId: l.blobId }),
      ...(l.commit === undefined ? {} : { commit: l.commit }),
      ...(l.commitMessage === true ? { commitMessage: true } : {}),
      ...(l.reportable === undefined || !gitLines ? {} : { reportable: l.reportable }),
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
    plainOnly: boolean,
    /** Keyword starts in buf[start, end), from `start` (see ByteScanner.keywordStarts). */
    starts: Int32Array | undefined,
  ): void {
    // A UTF-8 byte-order mark is not text: columns count from after it.
    const from =
      p.base === 0 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf
        ? start + 3
        : start;
    const whole = ownFrom <= from && ownTo === end;
    // Plain ASCII (most source) decodes as Latin-1: the same characters, copied, not validated,
    // one per byte, so the owned part is found by offset and the text is made once (three pieces
    // joined are copied again when the engine first searches them).
    if (isAscii(buf.subarray(from, end))) {
      const own = Math.max(from, ownFrom);
      if (end - from > PART_CHARS) {
        this.emitAsciiParts(p, buf, from, end, own, ownTo);
        return;
      }
      const keywordAt = from === start ? starts : startsFrom(starts, from - start);
      this.chunk(p, buf.toString('latin1', from, end), {
        ...(p.line === 1 ? {} : { firstLine: p.line }),
        ...(p.column === 1 ? {} : { firstColumn: p.column }),
        ...(whole ? {} : { ownFrom: own - from, ownTo: ownTo - from }),
        ...(plainOnly ? { plainOnly: true } : {}),
        ...(keywordAt === undefined ? {} : { keywordAt }),
        size: ownTo - own,
      });
      return;
    }
    // UTF-8 in pieces: each piece's length in characters is where the owned part starts and ends.
    const encoding = 'utf8';
    const pre = whole ? '' : buf.toString(encoding, from, Math.max(from, ownFrom));
    const mid = buf.toString(encoding, Math.max(from, ownFrom), ownTo);
    const post = ownTo === end ? '' : buf.toString(encoding, ownTo, end);
    this.chunk(p, whole ? mid : pre + mid + post, {
      ...(p.line === 1 ? {} : { firstLine: p.line }),
      ...(p.column === 1 ? {} : { firstColumn: p.column }),
      ...(whole ? {} : { ownFrom: pre.length, ownTo: pre.length + mid.length }),
      ...(plainOnly ? { plainOnly: true } : {}),
      size: ownTo - Math.max(from, ownFrom),
    });
  }

  /**
   * A long ASCII window as parts of at most PART_CHARS characters: each answers for a piece of
   * the window's own span [own, ownTo) with PART_CONTEXT characters of the window around it, so
   * every finding is found in the part that owns its start as it would be in the whole window.
   * Each part is searched for keywords on its own; one without any is clean, as a file without
   * any is, and is never decoded.
   */
  private emitAsciiParts(
    p: Progress,
    buf: Buffer,
    from: number,
    end: number,
    own: number,
    ownTo: number,
  ): void {
    // Line and column of `at`, moved forward part by part (ASCII: one column per byte).
    let at = from;
    let line = p.line;
    let column = p.column;
    const moveTo = (to: number): void => {
      let last = -1;
      for (let lf = buf.indexOf(LF, at); lf !== -1 && lf < to; lf = buf.indexOf(LF, lf + 1)) {
        line++;
        last = lf;
      }
      column = last === -1 ? column + (to - at) : to - last;
      at = to;
    };
    for (let a = own; a < ownTo; ) {
      let b = ownTo;
      if (ownTo - a > PART_STEP) {
        b = a + PART_STEP;
        const lf = buf.lastIndexOf(LF, b - 1);
        if (lf >= b - PART_SLACK) b = lf + 1;
      }
      let s = Math.max(from, a - PART_CONTEXT);
      if (s > from) {
        const lf = buf.lastIndexOf(LF, s - 1);
        if (lf >= from && lf >= s - PART_SLACK) s = lf + 1;
      }
      let e = Math.min(end, b + PART_CONTEXT);
      if (e < end) {
        const lf = buf.indexOf(LF, e);
        if (lf !== -1 && lf < end && lf < e + PART_SLACK) e = lf + 1;
      }
      const flags = this.inspect(buf, s, e);
      if ((flags & ASCII_HIT) !== 0) {
        moveTo(s);
        const keywordAt = this.scanner?.keywordStarts();
        this.chunk(p, buf.toString('latin1', s, e), {
          ...(keywordAt === undefined ? {} : { keywordAt }),
          ...(line === 1 ? {} : { firstLine: line }),
          ...(column === 1 ? {} : { firstColumn: column }),
          ...(a === s && b === e ? {} : { ownFrom: a - s, ownTo: b - s }),
          ...((flags & PLAIN_ONLY) !== 0 ? { plainOnly: true } : {}),
          size: b - a,
        });
      }
      a = b;
    }
  }

  /**
   * The UTF-16 view: UTF-16 text at either byte alignment, and the ASCII around it, read as one
   * text (see decodeUtf16), so a key ID and a secret at different alignments can be paired. Its
   * lines are counted like the UTF-8 view's (a newline is an LF byte either way).
   */
  private emitUtf16(
    p: Progress,
    buf: Buffer,
    start: number,
    end: number,
    ownFrom: number,
    ownTo: number,
    last: boolean,
  ): void {
    let from = start;
    // A byte-order mark (FF FE or FE FF) is not text.
    const b0 = buf[start];
    const b1 = buf[start + 1];
    if (p.base === 0 && ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff))) from += 2;
    if (end <= from) return;
    const decoded = decodeUtf16(buf, from, end, { from: ownFrom, to: ownTo }, last);
    if (decoded.text.length === 0) return;
    const whole = decoded.ownFrom === 0 && decoded.ownTo === decoded.text.length;
    this.chunk(
      p,
      decoded.text,
      {
        view: 'utf-16',
        ...(p.line === 1 ? {} : { firstLine: p.line }),
        ...(whole ? {} : { ownFrom: decoded.ownFrom, ownTo: decoded.ownTo }),
        // The UTF-8 view stands for these bytes in the counts.
        size: 0,
      },
      false,
    );
  }

  /** Moves the line and column counts from `start` to `next` (the next window's start). */
  private advance(p: Progress, buf: Buffer, start: number, next: number): void {
    let lines = 0;
    let last = -1;
    for (let at = buf.indexOf(LF, start); at !== -1 && at < next; at = buf.indexOf(LF, at + 1)) {
      lines++;
      last = at;
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

/**
 * Reads until the buffer is full or the file ends; returns how much of the buffer holds data.
 * `endsAt`: where in `buf` the file ends if its listed size is right (-1: unknown).
 */
function fillFrom(fd: number, buf: Buffer, from: number, endsAt = -1): number {
  let filled = from;
  while (filled < buf.length) {
    const n = readSync(fd, buf, filled, buf.length - filled, null);
    if (n === 0) break;
    filled += n;
    // A read that stopped short of the room given, exactly where the listing said the file ends,
    // has met that end: a regular file reads short only there. One read call per file instead of
    // two (40,000 fewer on a tree that size). A file that grew since reads on past that point,
    // one that shrank reads short elsewhere, and both then read until a read returns nothing.
    if (filled === endsAt && filled < buf.length) break;
  }
  return filled;
}
