/**
 * Pulls up to `ahead` items from `source` before the consumer asks, so a producer process (git log)
 * keeps working while the consumer waits on another (git cat-file): two cores instead of one.
 * Stopping early stops the producer too.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const queue: T[] = [];
  let done = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let room: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const pump = (async () => {
    try {
      for await (const item of source) {
        queue.push(item);
        signal();
        while (queue.length >= ahead && !stopped) {
          await new Promise<void>((resolve) => {
            room = resolve;
          });
        }
        if (stopped) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      signal();
    }
  })();
  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        const r = room;
        room = undefined;
        r?.();
        yield next;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stopped = true;
    const r = room;
    room = undefined;
    r?.();
    await pump;
  }
}
