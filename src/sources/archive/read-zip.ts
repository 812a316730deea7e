import type { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import {
  type Entry,
  fromBufferPromise,
  fromRandomAccessReaderPromise,
  type Options,
  openPromise,
  type ZipFile,
} from 'yauzl';
import { type ArchiveInput, bounded, PIECE_BYTES } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { describeError } from './describe-error.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import { formatSize } from './format-size.js';
import { meteredData } from './metered-data.js';
import { pipeThrough } from './pipe-through.js';
import { SpanSet } from './span-set.js';
import { unreadable } from './unreadable-event.js';
import { zipEntryName } from './zip-entry-name.js';
import { ZipPiecesReader } from './zip-pieces-reader.js';

const ZIP_OPTIONS: Options = {
  lazyEntries: true,
  autoClose: true,
  // Raw names: yauzl's own check fails the whole zip on a name with '../' or a leading '/', and
  // such names are only labels to us.
  decodeStrings: false,
  // One entry whose sizes disagree would otherwise end the whole zip; our own limits bound the work.
  validateEntrySizes: false,
};

const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;

const METHOD_NAMES: Readonly<Record<number, string>> = {
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  98: 'ppmd',
};

/**
 * A zip (jar, war, whl, docx…) read through its central directory with yauzl: random access from
 * the file, the buffer, or the pieces of a stream held in memory up to `maxBufferedBytes`. Stored
 * and deflated entries are read; encrypted entries, other methods, entries whose data overlaps
 * another's (a zip-bomb construction) and unreadable local headers are skipped one by one; a
 * broken central directory ends the zip with one skip. Local records the central directory does
 * not account for are skips too (see LocalRecords).
 */
export async function* readZip(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  const { budget } = place;
  let held = 0;
  let zip: ZipFile | undefined;
  try {
    if (input.kind === 'stream') {
      const pieces: Buffer[] = [];
      let size = 0;
      try {
        for await (const piece of input.pieces) {
          size += piece.length;
          if (budget.buffered + size > budget.limits.maxBufferedBytes) {
            yield {
              kind: 'skipped',
              name: '',
              reason: 'archive-limit',
              detail: `a zip inside another archive is read in memory, and this one is over the ${formatSize(budget.limits.maxBufferedBytes - budget.buffered)} left of the ${formatSize(budget.limits.maxBufferedBytes)} limit (read ${formatSize(size)})`,
            };
            return;
          }
          pieces.push(piece);
        }
      } catch (error) {
        if (place.scope.stopped) return;
        yield unreadable(`zip: ${describeError(error)}`);
        return;
      }
      budget.buffered += size;
      held = size;
      zip = await fromRandomAccessReaderPromise(new ZipPiecesReader(pieces), size, ZIP_OPTIONS);
    } else if (input.kind === 'buffer') {
      zip = await fromBufferPromise(input.data, ZIP_OPTIONS);
    } else {
      zip = await openPromise(input.path as string, ZIP_OPTIONS);
    }
  } catch (error) {
    budget.buffered -= held;
    yield unreadable(`zip: ${describeError(error)}`);
    return;
  }
  try {
    yield* readEntries(zip, place);
  } finally {
    zip.close();
    budget.buffered -= held;
  }
}

async function* readEntries(zip: ZipFile, place: ContainerPlace): AsyncGenerator<ContainerEvent> {
  // yauzl closes the file once it has listed the last entry (autoClose), and the local records are
  // checked after that: the file is held open until then.
  const { reader } = zip as unknown as { reader: { ref(): void; unref(): void } };
  reader.ref();
  try {
    yield* listEntries(zip, place);
  } finally {
    reader.unref();
  }
}

async function* listEntries(zip: ZipFile, place: ContainerPlace): AsyncGenerator<ContainerEvent> {
  // Where the central directory starts, taken before yauzl moves its cursor through it.
  const cursorAt: unknown = (zip as unknown as { readEntryCursor: unknown }).readEntryCursor;
  const directoryStart = typeof cursorAt === 'number' ? cursorAt : zip.fileSize;
  const cursor = new EntryCursor(zip);
  const spans = new SpanSet();
  const records = new LocalRecords();
  let count = 0;
  for (;;) {
    let entry: Entry | undefined;
    try {
      entry = await cursor.next();
    } catch (error) {
      yield unreadable(
        `zip central directory unreadable after ${count} entries: ${describeError(error)}`,
      );
      return;
    }
    if (entry === undefined) {
      try {
        yield* records.check(zip, directoryStart);
      } catch (error) {
        yield unreadable(`zip bytes outside its entries unreadable: ${describeError(error)}`);
      }
      return;
    }
    count += 1;
    if (!place.budget.countEntry()) {
      yield entryLimitSkip(place);
      return;
    }
    const name = zipEntryName(entry);
    // Directories, empty files: no bytes to read, if the local record agrees (see LocalRecords).
    if (entry.compressedSize === 0) {
      records.addEmpty(entry, name);
      continue;
    }
    if ((entry.generalPurposeBitFlag & ENCRYPTED_FLAG) !== 0) {
      await records.addUnread(zip, entry);
      yield unreadable('encrypted zip entry: its content cannot be read', name);
      continue;
    }
    const method = entry.compressionMethod;
    if (method !== STORED && method !== DEFLATED) {
      await records.addUnread(zip, entry);
      const known = METHOD_NAMES[method];
      yield unreadable(
        `zip compression method ${method}${known === undefined ? '' : ` (${known})`} is not supported`,
        name,
      );
      continue;
    }
    let dataStart: number;
    try {
      dataStart = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
    } catch (error) {
      yield unreadable(`zip local header unreadable: ${describeError(error)}`, name);
      continue;
    }
    records.add(entry.relativeOffsetOfLocalHeader, dataStart + entry.compressedSize);
    if (!spans.add(entry.relativeOffsetOfLocalHeader, dataStart + entry.compressedSize)) {
      yield {
        kind: 'skipped',
        name,
        reason: 'archive-limit',
        detail:
          'zip entry whose data overlaps another entry (a zip-bomb construction); it was not read',
      };
      continue;
    }
    // The ratio is taken against the compressed bytes read so far, not the entry's declared
    // size: a bomb's kernel is a small part of a large entry, or the declared size may lie.
    // Each `open` reads the entry afresh (random access): an Office part is read twice, once as
    // it is and once as text (office-text.ts).
    const { compressedSize } = entry;
    yield {
      kind: 'member',
      name,
      reopens: true,
      open: (scope) => {
        let consumed = 0;
        const raw = rawEntry(zip, dataStart, compressedSize, (n) => {
          consumed += n;
        });
        return meteredData(method === DEFLATED ? inflatedWhole(raw, () => consumed) : raw, {
          scope,
          budget: place.budget,
          compressedBytes: () => consumed,
          what: 'zip entry',
        });
      },
    };
  }
}

/**
 * A deflated entry's data, and an error when bytes are left after its deflate stream within the
 * entry's compressed size. Node's inflater stops at the stream's end and drops what follows
 * without a word, and a hostile zip hides a second local record there (a deflated key): a
 * streaming reader that walks local records extracts it. Only when the whole entry was read (a
 * reader that stops early never gets here).
 */
async function* inflatedWhole(
  raw: AsyncIterable<Buffer>,
  given: () => number,
): AsyncGenerator<Buffer> {
  const inflater = createInflateRaw({ chunkSize: PIECE_BYTES });
  yield* pipeThrough(raw, inflater);
  const left = given() - inflater.bytesWritten;
  if (left > 0)
    throw new Error(
      `${left} bytes follow its deflate stream, within its compressed size (hidden data)`,
    );
}

/** An entry's stored bytes, opened when first read and closed when left. */
async function* rawEntry(
  zip: ZipFile,
  start: number,
  size: number,
  count: (bytes: number) => void,
): AsyncGenerator<Buffer> {
  const stream = await new Promise<Readable>((resolve, reject) => {
    zip.openReadStreamLowLevel(start, size, 0, size, false, null, (error, opened) =>
      error === null ? resolve(opened) : reject(error),
    );
  });
  try {
    // A buffer-backed stream hands out everything it holds in one piece; cut it, so the ratio
    // is measured against what the inflater has really been given.
    for await (const piece of stream) {
      for (const part of bounded(piece as Buffer)) {
        count(part.length);
        yield part;
      }
    }
  } finally {
    stream.destroy();
  }
}

const LOCAL_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');
const DESCRIPTOR_SIGNATURE = 0x08074b50;
/** A local file header before its name: a shorter stretch of bytes cannot hold one. */
const LOCAL_HEADER_BYTES = 30;

/**
 * The bytes each central-directory entry accounts for (its local record and data), to find what
 * none does. The central directory is what we read, but streaming readers (Java's ZipInputStream,
 * bsdtar reading a pipe) walk the local records instead, so data a local record holds that the
 * directory leaves out, or lists as empty, would be extracted by them and never read here: a
 * hostile zip hides a deflated key that way. Such bytes are reported unread, not decoded: this is
 * not a second, streaming zip reader. Ordinary gaps pass: a data descriptor after an entry (under
 * 30 bytes, so never searched), a stub before a self-extracting zip or a signing block before the
 * directory (searched, and they hold no local header).
 */
class LocalRecords {
  readonly #spans: [number, number][] = [];
  /** Entries the directory lists with no data, by where their local record would end. */
  readonly #empty = new Map<number, { readonly start: number; readonly name: string }>();

  add(start: number, end: number): void {
    this.#spans.push([start, end]);
  }

  /**
   * An entry the directory lists with no data. Its local header is read only when bytes follow
   * its name (an extra field, data): most zips hold many directories, and a read each would cost.
   * The directory's extra field length is not taken for the local one's: a longer one would cover
   * data the local record holds.
   */
  addEmpty(entry: Entry, name: string): void {
    const start = entry.relativeOffsetOfLocalHeader;
    const end = start + LOCAL_HEADER_BYTES + entry.fileNameLength;
    this.add(start, end);
    this.#empty.set(end, { start, name });
  }

  /** An entry skipped for its own reason (encrypted, a method we do not read): its bytes are its own. */
  async addUnread(zip: ZipFile, entry: Entry): Promise<void> {
    try {
      const local = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      this.add(entry.relativeOffsetOfLocalHeader, local.fileDataStart + entry.compressedSize);
    } catch {
      // Its skip is reported already; the bytes are searched as any others.
    }
  }

  /** Skips for the bytes before the central directory that no entry accounts for, once all are read. */
  async *check(zip: ZipFile, directoryStart: number): AsyncGenerator<ContainerEvent> {
    const spans = this.#spans.sort((a, b) => a[0] - b[0]);
    let at = 0;
    let outside: number | undefined;
    const gaps: [number, number][] = [];
    for (const [start, end] of spans) {
      if (start > at) gaps.push([at, Math.min(start, directoryStart)]);
      at = Math.max(at, end);
    }
    if (directoryStart > at) gaps.push([at, directoryStart]);
    for (const [start, end] of gaps) {
      if (end <= start) continue;
      const empty = this.#empty.get(start);
      if (empty !== undefined) {
        const detail = await afterEmpty(zip, empty.start, end);
        if (detail !== undefined) {
          yield unreadable(detail, empty.name);
          continue;
        }
      }
      if (outside !== undefined || end - start < LOCAL_HEADER_BYTES) continue;
      outside = await findLocalHeader(zip, start, end);
    }
    if (outside !== undefined) {
      yield unreadable(
        `zip local entry outside the central directory (a local file header at byte ${outside} that no listed entry points to; a streaming reader extracts it): it was not read`,
      );
    }
  }
}

/**
 * Why the bytes up to `end` after an entry listed as empty hold data of its own (a streaming
 * reader extracts them), or undefined: its local header says it is empty too, and nothing but
 * an empty data descriptor follows that header.
 */
async function afterEmpty(zip: ZipFile, start: number, end: number): Promise<string | undefined> {
  const header = await readRange(zip, start, Math.min(end, start + LOCAL_HEADER_BYTES));
  // Not a local header after all: the gap is searched like any other.
  if (header.length < LOCAL_HEADER_BYTES || !header.subarray(0, 4).equals(LOCAL_SIGNATURE))
    return undefined;
  const size = Math.max(header.readUInt32LE(18), header.readUInt32LE(22));
  if (size > 0)
    return `zip entry listed as empty in the central directory, but its local header gives ${size} bytes (a streaming reader extracts them): its data was not read`;
  // Stored, with its sizes in its header (no data descriptor): a streaming reader takes no byte
  // after it as its data, and looks for the next header there. So the gap is searched like any
  // other: an APK's signing block after an empty last entry is not data. A deflated entry is
  // inflated until its stream ends whatever its sizes say, so what follows it is its data.
  if (header.readUInt16LE(8) === 0 && (header.readUInt16LE(6) & 0x8) === 0) return undefined;
  const dataStart = start + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart >= end) return undefined;
  if (end - dataStart <= 24 && isEmptyDescriptor(await readRange(zip, dataStart, end)))
    return undefined;
  return `zip entry listed as empty in the central directory, but ${end - dataStart} bytes no entry accounts for follow its local header (a streaming reader extracts them as its data): they were not read`;
}

/** A data descriptor of an empty entry (CRC and sizes 0; its signature and zip64 sizes optional). */
function isEmptyDescriptor(bytes: Buffer): boolean {
  const body =
    bytes.length >= 4 && bytes.readUInt32LE(0) === DESCRIPTOR_SIGNATURE ? bytes.subarray(4) : bytes;
  return (body.length === 12 || body.length === 20) && body.every((b) => b === 0);
}

async function readRange(zip: ZipFile, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of rawEntry(zip, start, end - start, () => {})) parts.push(piece);
  return Buffer.concat(parts);
}

/** The offset of the first local header signature in [start, end), read in pieces. */
async function findLocalHeader(
  zip: ZipFile,
  start: number,
  end: number,
): Promise<number | undefined> {
  let carry = Buffer.alloc(0);
  let base = start;
  for await (const piece of rawEntry(zip, start, end - start, () => {})) {
    const window = carry.length === 0 ? piece : Buffer.concat([carry, piece]);
    const found = window.indexOf(LOCAL_SIGNATURE);
    if (found !== -1) return base + found;
    // A signature cut between two pieces is found with the next one.
    const keep = Math.min(window.length, LOCAL_SIGNATURE.length - 1);
    carry = Buffer.from(window.subarray(window.length - keep));
    base += window.length - keep;
  }
  return undefined;
}

/** yauzl's lazy entries as promises. An error it emits between reads is kept, never unhandled. */
class EntryCursor {
  readonly #zip: ZipFile;
  #failure: unknown;
  #failed = false;

  constructor(zip: ZipFile) {
    this.#zip = zip;
    zip.on('error', (error: unknown) => {
      if (this.#failed) return;
      this.#failed = true;
      this.#failure = error;
    });
  }

  next(): Promise<Entry | undefined> {
    // yauzl emits nothing more after an error: asking again would wait forever.
    if (this.#failed) return Promise.reject(this.#failure);
    const zip = this.#zip;
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        zip.off('entry', onEntry);
        zip.off('end', onEnd);
        zip.off('error', onError);
      };
      const onEntry = (entry: Entry): void => {
        settle();
        resolve(entry);
      };
      const onEnd = (): void => {
        settle();
        resolve(undefined);
      };
      const onError = (error: unknown): void => {
        settle();
        reject(error);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
  }
}
