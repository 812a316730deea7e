/** Offset → line/column lookups over one text, built once per chunk. Lines are 1-based. */
export interface LineIndex {
  readonly lineCount: number;
  lineOf(offset: number): number;
  /** 1-based UTF-16 column of `offset` on its line. */
  columnOf(offset: number): number;
  lineStart(line: number): number;
  /** The line's text without its terminator (`\n` or `\r\n`). */
  lineText(line: number): string;
}

export function createLineIndex(text: string): LineIndex {
  const starts: number[] = [0];
  let at = text.indexOf('\n');
  while (at !== -1) {
    starts.push(at + 1);
    at = text.indexOf('\n', at + 1);
  }
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lineStart = (line: number): number => starts[line - 1] ?? text.length;
  return {
    lineCount: starts.length,
    lineOf,
    columnOf: (offset) => offset - lineStart(lineOf(offset)) + 1,
    lineStart,
    lineText(line) {
      const start = lineStart(line);
      let end = line < starts.length ? lineStart(line + 1) - 1 : text.length;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      return text.slice(start, Math.max(start, end));
    },
  };
}
