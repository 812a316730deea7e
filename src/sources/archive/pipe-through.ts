import { pipeline, Readable, type Transform } from 'node:stream';

/**
 * Pieces of `source` run through a transform (zlib), pulled one at a time so memory stays at the
 * streams' buffers. An error on either side ends the iteration with that error; ending it early
 * destroys both streams, which returns `source`.
 */
export async function* pipeThrough(
  source: AsyncIterable<Buffer>,
  transform: Transform,
): AsyncGenerator<Buffer> {
  const input = Readable.from(source, { objectMode: false });
  // Errors reach us through the iteration below; pipeline only wires destruction both ways.
  pipeline(input, transform, () => {});
  try {
    for await (const piece of transform) yield piece as Buffer;
  } finally {
    transform.destroy();
    input.destroy();
  }
}
