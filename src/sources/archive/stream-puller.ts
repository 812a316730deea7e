/** The part of a Node or streamx readable that pulling needs. */
export interface PullableStream {
  read(): unknown;
  on(event: 'readable' | 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/**
 * Pulls pieces from a readable without its async iterator, because leaving that iterator early
 * destroys the stream, and destroying a tar-stream entry destroys the whole tar. Errors and an
 * early close come out of `next()`; they are never unhandled events.
 */
export class StreamPuller {
  readonly #stream: PullableStream;
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  constructor(stream: PullableStream) {
    this.#stream = stream;
    stream.on('readable', () => this.#notify());
    stream.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    stream.on('error', (error) => {
      this.#error ??= error;
      this.#notify();
    });
    stream.on('close', () => {
      if (!this.#ended) this.#error ??= new Error('stream closed before its end');
      this.#notify();
    });
  }

  /** The next piece, or undefined at the end. */
  async next(): Promise<Buffer | undefined> {
    for (;;) {
      const piece = this.#stream.read();
      if (piece !== null && piece !== undefined) return piece as Buffer;
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
