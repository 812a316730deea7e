import { createReadStream } from 'node:fs';

/**
 * Where an archive's bytes come from.
 * - `file`: on disk. A zip is read with random access (its central directory, then each entry), so
 *   memory stays bounded whatever its size; gzip and tar are streamed.
 * - `buffer`: bytes already in memory, such as a git blob.
 * - `stream`: pieces arriving in order. Gzip and tar stream; a zip needs random access, so it is
 *   held in memory up to `maxBufferedBytes`, else skipped.
 */
export type ArchiveInput =
  | { readonly kind: 'file'; readonly path: string | Buffer }
  | { readonly kind: 'buffer'; readonly data: Buffer }
  | { readonly kind: 'stream'; readonly pieces: AsyncIterable<Buffer> };

/** Reads of this size keep zlib and tar-stream busy without holding much. */
export const PIECE_BYTES = 64 * 1024;

/** The input as pieces, for the streaming formats. Errors (a missing file) come out of the iteration. */
export function inputPieces(input: ArchiveInput): AsyncIterable<Buffer> {
  switch (input.kind) {
    case 'file':
      return fileFrom(input.path, 0);
    case 'buffer':
      return slices(input.data);
    case 'stream':
      return input.pieces;
  }
}

/**
 * A file's bytes from `start` on (a payload after a script's text), opened on first read, so an
 * input that is never read leaves no stream (and no stray error event).
 */
export async function* fileFrom(path: string | Buffer, start: number): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: PIECE_BYTES, start });
  try {
    yield* stream;
  } finally {
    stream.destroy();
  }
}

async function* slices(data: Buffer): AsyncGenerator<Buffer> {
  yield* bounded(data);
}

/** A piece cut into views of at most `PIECE_BYTES`: compressed input is counted as it is fed. */
export function* bounded(piece: Buffer): Generator<Buffer> {
  if (piece.length <= PIECE_BYTES) {
    yield piece;
    return;
  }
  for (let at = 0; at < piece.length; at += PIECE_BYTES) yield piece.subarray(at, at + PIECE_BYTES);
}
