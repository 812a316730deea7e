/**
 * Lines from a stream of chunks, one per call; undefined at the end. For prompts: a terminal in
 * canonical mode sends a line per Enter, a pipe sends whatever it has.
 */
export function lineReader(input: AsyncIterable<Buffer>): () => Promise<string | undefined> {
  const it = input[Symbol.asyncIterator]();
  let buffered = '';
  let ended = false;
  return async () => {
    for (;;) {
      const nl = buffered.indexOf('\n');
      if (nl !== -1) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        return line;
      }
      if (ended) {
        if (buffered === '') return undefined;
        const line = buffered;
        buffered = '';
        return line;
      }
      const r = await it.next();
      if (r.done === true) ended = true;
      else buffered += r.value.toString('utf8');
    }
  };
}
