import { PassThrough, type Readable } from 'node:stream';
import { RandomAccessReader } from 'yauzl';

/**
 * Random access over the pieces a stream-fed zip arrived in, so the pieces are kept as they came
 * and never joined into one more buffer of the same size.
 */
export class ZipPiecesReader extends RandomAccessReader {
  readonly #pieces: readonly Buffer[];
  /** Offset of each piece in the whole. */
  readonly #offsets: readonly number[];

  constructor(pieces: readonly Buffer[]) {
    super();
    this.#pieces = pieces;
    const offsets: number[] = [];
    let at = 0;
    for (const piece of pieces) {
      offsets.push(at);
      at += piece.length;
    }
    this.#offsets = offsets;
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // Views of pieces already in memory: handing them all over at once costs nothing more.
    const stream = new PassThrough();
    for (const slice of this.#slices(start, end)) stream.write(slice);
    stream.end();
    return stream;
  }

  /** Headers are read with many small reads: copy directly rather than through three streams each. */
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null, bytesRead?: number) => void,
  ): void {
    let copied = 0;
    for (const slice of this.#slices(position, position + length)) {
      copied += slice.copy(buffer, offset + copied);
    }
    setImmediate(() => callback(null, copied));
  }

  *#slices(start: number, end: number): Generator<Buffer> {
    const offsets = this.#offsets;
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((offsets[mid] as number) <= start) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < this.#pieces.length; i++) {
      const from = offsets[i] as number;
      if (from >= end) return;
      const piece = this.#pieces[i] as Buffer;
      const slice = piece.subarray(Math.max(0, start - from), Math.min(piece.length, end - from));
      if (slice.length > 0) yield slice;
    }
  }
}
