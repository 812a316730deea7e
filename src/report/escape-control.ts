/**
 * Characters that make a terminal (or a log viewer) do something instead of showing a glyph:
 * C0 controls (ESC starts colour and cursor sequences, CR rewrites the line, BS erases, LF starts
 * a line that looks like ours), DEL, C1 controls (U+009B is a one-byte CSI), the line and
 * paragraph separators, and the Unicode direction controls that make text read differently from
 * how it is stored (U+202A–U+202E, U+2066–U+2069, and the invisible marks U+200E, U+200F, U+061C).
 */
function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

// Tab, line feed and carriage return by their usual names.
const NAMED: Readonly<Record<number, string>> = { 9: '\\t', 10: '\\n', 13: '\\r' };

function escapeCode(code: number): string {
  const named = NAMED[code];
  if (named !== undefined) return named;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Shows control characters as escapes (`\x1b`, `\r`, `\u202e`) so that text taken from what was
 * scanned (file names, lines, commit text, rule titles, error messages) can be printed on a
 * terminal or in a CI log without driving it: no colours, no cursor moves, no overwritten,
 * reordered or extra lines. Everything else, non-ASCII letters included, is kept as it is.
 */
export function escapeControl(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControl(code)) continue;
    out += text.slice(from, i) + escapeCode(code);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
