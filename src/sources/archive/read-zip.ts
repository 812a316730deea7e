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
 * broken central directory ends the zip with one skip.
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
  const cursor = new EntryCursor(zip);
  const spans = new SpanSet();
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
    if (entry === undefined) return;
    count += 1;
    if (!place.budget.countEntry()) {
      yield entryLimitSkip(place);
      return;
    }
    // Directories, empty files: no bytes to read.
    if (entry.compressedSize === 0) continue;
    const name = zipEntryName(entry);
    if ((entry.generalPurposeBitFlag & ENCRYPTED_FLAG) !== 0) {
      yield unreadable('encrypted zip entry: its content cannot be read', name);
      continue;
    }
    const method = entry.compressionMethod;
    if (method !== STORED && method !== DEFLATED) {
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
        return meteredData(
          method === DEFLATED
            ? pipeThrough(raw, createInflateRaw({ chunkSize: PIECE_BYTES }))
            : raw,
          { scope, budget: place.budget, compressedBytes: () => consumed, what: 'zip entry' },
        );
      },
    };
  }
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
