/**
 * A one-line description of a library or I/O error for a skip's detail. File-system errors give
 * only their code (their messages quote paths, which may be hostile); zlib, yauzl and tar-stream
 * messages are fixed text and numbers. Control characters are dropped and the length is bounded
 * all the same, since renderers are the last line of defence, not the only one.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const text = error.message.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text || 'unknown error';
}
