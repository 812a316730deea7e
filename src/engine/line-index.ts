/** Offset → line/column lookups over one text, built once per chunk. Lines are 1-based. */
export interface LineIndex {
  /** The indexed text: callers slice only the part they need, never a whole long line per match. */
  readonly text: string;
  readonly lineCount: number;
  lineOf(offset: number): number;
  /** 1-based UTF-16 column of `offset` on its line. */
  columnOf(offset: number): number;
  lineStart(line: number): number;
  /** Offset where the line's text ends (before its `\n` or `\r\n`). */
  lineEnd(line: number): number;
  /** The line's text without its terminator (`\n` or `\r\n`). */
  lineText(line: number): string;
  /** Offset of the line's first non-whitespace character, or `lineEnd(line)` when it is blank. */
  contentStart(line: number): number;
}

/** What `String.prototype.trim` and `\s` treat as whitespace. */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
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
  const lineEnd = (line: number): number => {
    const start = lineStart(line);
    let end = line < starts.length ? lineStart(line + 1) - 1 : text.length;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    return Math.max(start, end);
  };
  // Remembered per line: a blank 1 MB line asked about by every match below it is scanned once.
  const contents = new Map<number, number>();
  const contentStart = (line: number): number => {
    let at = contents.get(line);
    if (at === undefined) {
      const end = lineEnd(line);
      at = lineStart(line);
      while (at < end && isSpace(text.charCodeAt(at))) at++;
      contents.set(line, at);
    }
    return at;
  };
  return {
    text,
    lineCount: starts.length,
    lineOf,
    columnOf: (offset) => offset - lineStart(lineOf(offset)) + 1,
    lineStart,
    lineEnd,
    lineText: (line) => text.slice(lineStart(line), lineEnd(line)),
    contentStart,
  };
}
