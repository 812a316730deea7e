/** The first bytes of a stream, and the whole stream again (those bytes first). */
export interface Peeked {
  readonly head: Buffer;
  readonly all: AsyncGenerator<Buffer>;
}

/**
 * Reads whole pieces until at least `size` bytes (or the end) are in hand, without losing them:
 * `all` yields them again, then the rest. Returning `all` returns the source.
 */
export async function peekHead(source: AsyncIterable<Buffer>, size: number): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let length = 0;
  try {
    while (length < size) {
      const next = await iterator.next();
      if (next.done === true) break;
      parts.push(next.value);
      length += next.value.length;
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  const head = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  return { head, all: replay(head, iterator) };
}

async function* replay(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  try {
    if (head.length > 0) yield head;
    for (;;) {
      const next = await rest.next();
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await rest.return?.();
  }
}
