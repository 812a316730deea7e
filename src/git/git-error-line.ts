/** git's first non-blank error line, without its `fatal: ` prefix: what a one-line message quotes. */
export function gitErrorLine(stderr: string): string {
  return (
    stderr
      .trim()
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.replace(/^fatal: /, '') ?? ''
  );
}
