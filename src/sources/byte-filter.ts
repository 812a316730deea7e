/**
 * The byte-level keyword check the reader runs before decoding anything: a window of bytes that
 * holds no keyword of any rule, in ASCII/UTF-8 or in UTF-16 (either byte order, any alignment), can
 * hold no finding, so it is counted but never turned into text.
 */
export interface ByteFilter {
  /** Some keyword occurs as ASCII/UTF-8 bytes in [start, end). */
  ascii(buf: Buffer, start: number, end: number): boolean;
  /** Some keyword occurs as UTF-16 text (`A\0K\0I\0A` matches both byte orders) in [start, end). */
  utf16(buf: Buffer, start: number, end: number): boolean;
}

/** No keywords to rely on (a rule without any): every window is decoded. */
export const DECODE_EVERYTHING: ByteFilter = {
  ascii: () => true,
  utf16: () => true,
};

/** `AKIA` → the bytes `41 00 4B 00 49 00 41`: the trailing NUL is left out, so big-endian text
 * (`00 41 00 4B …`) contains the same run one byte later. */
function utf16Form(keyword: string): Buffer {
  const le = Buffer.from(keyword, 'utf16le');
  return le.subarray(0, le.length - 1);
}

function anyOf(words: readonly Buffer[], buf: Buffer, start: number, end: number): boolean {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  for (const w of words) if (view.includes(w)) return true;
  return false;
}

/**
 * A filter over the given keywords; undefined keywords (some rule has none) means every window
 * must be decoded. Keywords outside ASCII are matched as UTF-8 and UTF-16 bytes alike.
 */
export function createByteFilter(keywords: readonly string[] | undefined): ByteFilter {
  if (keywords === undefined) return DECODE_EVERYTHING;
  const unique = [...new Set(keywords)].filter((k) => k !== '');
  const ascii = unique.map((k) => Buffer.from(k, 'utf8'));
  const utf16 = unique.map(utf16Form).filter((b) => b.length > 0);
  return {
    ascii: (buf, start, end) => anyOf(ascii, buf, start, end),
    utf16: (buf, start, end) => anyOf(utf16, buf, start, end),
  };
}
