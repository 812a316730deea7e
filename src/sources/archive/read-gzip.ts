import { createGunzip, gunzipSync } from 'node:zlib';
import { type ArchiveInput, bounded, inputPieces, PIECE_BYTES } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { describeError } from './describe-error.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import { gzipMemberName } from './gzip-member-name.js';
import { meteredData } from './metered-data.js';
import { type Peeked, peekHead } from './peek-head.js';
import { pipeThrough } from './pipe-through.js';
import { unreadable } from './unreadable-event.js';

/**
 * A small gzip held in memory inflates in one synchronous call: a stream would hop to the thread
 * pool and back for every piece, which for thousands of small files (`*.json.gz`) is most of the
 * time. Its output is bounded below every limit; anything bigger, damaged or odd takes the stream.
 */
const SYNC_INPUT_BYTES = 4 * 1024 * 1024;
const SYNC_OUTPUT_BYTES = 16 * 1024 * 1024;

function inflateSmall(data: Buffer, place: ContainerPlace): Buffer | undefined {
  if (data.length > SYNC_INPUT_BYTES) return undefined;
  const { maxTotalBytes, maxRatio, ratioFloorBytes } = place.budget.limits;
  const allowed = Math.min(
    SYNC_OUTPUT_BYTES,
    maxTotalBytes - place.budget.expanded,
    Math.max(ratioFloorBytes, maxRatio * data.length),
  );
  if (allowed <= 0) return undefined;
  try {
    // `info` gives the engine, whose bytesWritten is the input zlib read: see afterPadding.
    const { buffer: out, engine } = gunzipSync(data, {
      maxOutputLength: allowed + 1,
      info: true,
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    if (out.length > allowed) return undefined;
    return afterPadding(data, engine.bytesWritten) === -1 ? out : undefined;
  } catch {
    // Too big for this path, damaged, or trailing bytes: the stream says which, precisely.
    return undefined;
  }
}

/**
 * Where a byte that is not zero lies in `data` from `from` on, or -1. Node's gunzip takes a zero
 * byte after a member for padding and stops reading there, without a word: whatever follows the
 * padding (another member holding a key) would go unread. Zeros alone are padding indeed.
 */
function afterPadding(data: Buffer, from: number): number {
  for (let at = from; at < data.length; at++) if (data[at] !== 0) return at;
  return -1;
}

/**
 * `source` inflated, then checked to its end: bytes that zlib did not read (it stops at a zero
 * byte after a member) must all be zero padding, else the member ends with an error and the scan
 * lists the file as unreadable. The source is pulled by hand, so ending the inflater does not
 * close it, and every piece is kept until zlib is known to have read past it.
 */
async function* inflateToEnd(source: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: PIECE_BYTES });
  const kept: Buffer[] = [];
  let keptFrom = 0;
  async function* fed(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = await source.next();
      if (next.done === true) return;
      while (kept.length > 0 && keptFrom + (kept[0] as Buffer).length <= gunzip.bytesWritten)
        keptFrom += (kept.shift() as Buffer).length;
      kept.push(next.value);
      yield next.value;
    }
  }
  try {
    yield* pipeThrough(fed(), gunzip);
    let at = keptFrom;
    const unread = (piece: Buffer, from: number): void => {
      const found = afterPadding(piece, from);
      if (found !== -1) {
        throw new Error(
          `bytes after the gzip data's end (at byte ${at + found}) that are not zero padding were not read`,
        );
      }
    };
    for (const piece of kept) {
      unread(piece, Math.max(0, gunzip.bytesWritten - at));
      at += piece.length;
    }
    for (;;) {
      const next = await source.next();
      if (next.done === true) break;
      unread(next.value, 0);
      at += next.value.length;
    }
  } finally {
    await source.return?.(undefined);
  }
}

/** An inflated buffer in pieces of the usual size. */
async function* piecesOf(data: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += PIECE_BYTES) yield data.subarray(at, at + PIECE_BYTES);
}

/** Enough of the header to read a stored name (FNAME) of any sensible length. */
const HEADER_BYTES = 4096;

/**
 * A gzip stream as a container of one member, streamed through node:zlib. Concatenated members
 * are one stream (as gzip(1) reads them); data after the last member that is not another member
 * is reported unreadable, since bytes we could not interpret may hide anything.
 */
export async function* readGzip(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  let peeked: Peeked;
  try {
    peeked = await peekHead(inputPieces(input), HEADER_BYTES);
  } catch (error) {
    if (place.scope.stopped) return;
    yield unreadable(`gzip: ${describeError(error)}`);
    return;
  }
  const { head, all } = peeked;
  try {
    if (!place.budget.countEntry()) {
      yield entryLimitSkip(place);
      return;
    }
    let compressed = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const piece of all) {
        for (const part of bounded(piece)) {
          compressed += part.length;
          yield part;
        }
      }
    }
    const inflated = input.kind === 'buffer' ? inflateSmall(input.data, place) : undefined;
    if (inflated !== undefined) compressed = input.kind === 'buffer' ? input.data.length : 0;
    yield {
      kind: 'member',
      name: gzipMemberName(head, place.name),
      open: (scope) =>
        meteredData(
          inflated === undefined
            ? inflateToEnd(counted()[Symbol.asyncIterator]())
            : piecesOf(inflated),
          {
            scope,
            budget: place.budget,
            compressedBytes: () => compressed,
            what: 'gzip stream',
          },
        ),
    };
  } finally {
    await all.return(undefined);
  }
}
