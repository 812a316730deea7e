import { isDict, type PdfValue } from './pdf-value.js';

/** Nesting followed when collecting strings (the parser already cuts values off deeper). */
const MAX_DEPTH = 64;

/**
 * Every string in a value (a document's title, an annotation, a form field's value) as text, one
 * per line: UTF-16BE after its byte-order mark, UTF-8 after its mark, else bytes as Latin-1. A key
 * written in a hex string or as UTF-16 is then plain text to the engine.
 */
export function collectStrings(value: PdfValue, out: string[], depth = 0): void {
  if (Buffer.isBuffer(value)) {
    if (value.length > 0) out.push(textString(value));
    return;
  }
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(value)) for (const v of value) collectStrings(v, out, depth + 1);
  else if (isDict(value)) for (const v of value.values()) collectStrings(v, out, depth + 1);
}

function textString(b: Buffer): string {
  if (b[0] === 0xfe && b[1] === 0xff) {
    const body = Buffer.from(b.subarray(2, 2 + ((b.length - 2) & ~1)));
    return body.swap16().toString('utf16le');
  }
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  return b.toString('latin1');
}
