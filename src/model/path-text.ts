import { isUtf8 } from 'node:buffer';

/** A path as reports show it, and its exact bytes when they are not valid UTF-8. */
export interface PathText {
  /** Display form: UTF-8 text, each byte that is not part of valid UTF-8 written as `\xNN`. */
  readonly path: string;
  /** base64 of the exact bytes; only when they are not valid UTF-8 (the display form is lossy). */
  readonly pathBytes?: string;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(b: Buffer, i: number): number {
  const c = b[i] ?? 0;
  if (c < 0x80) return 1;
  const cont = (k: number) => ((b[i + k] ?? 0) & 0xc0) === 0x80;
  const next = b[i + 1] ?? 0;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    // No overlong forms (E0 80–9F) and no surrogates (ED A0–BF).
    if ((c === 0xe0 && next < 0xa0) || (c === 0xed && next > 0x9f)) return 0;
    return cont(1) && cont(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if ((c === 0xf0 && next < 0x90) || (c === 0xf4 && next > 0x8f)) return 0;
    return cont(1) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** A stray byte as the engine reads a name: as wide as its `\xNN`, and nothing a value is made of. */
const STRAY = '\uFFFD'.repeat(4);

/**
 * The text the engine reads for a name: the display form, but each stray byte (shown `\xNN`) is
 * four U+FFFD, as the content view shows an invalid byte. Offsets match the display form, so what
 * the engine finds there is hidden at the same place when the name is shown; and no `\x` escape
 * is read as an encoded character, nor glues its hex digits to a key ID beside it.
 */
export function nameText(path: string, pathBytes?: string): string {
  if (pathBytes === undefined) return path;
  const bytes = Buffer.from(pathBytes, 'base64');
  let text = '';
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      text += STRAY;
      i++;
    } else {
      text += bytes.toString('utf8', i, i + n);
      i += n;
    }
  }
  return text;
}

/**
 * A file name as git or the file system gave it (bytes) → its display form. Names that are valid
 * UTF-8 are shown as they are; otherwise each stray byte is written `\xNN` and the exact bytes
 * travel along (JSON reports carry them), so such a file is scanned and reported, never dropped.
 */
export function pathText(bytes: Buffer): PathText {
  if (isUtf8(bytes)) return { path: bytes.toString('utf8') };
  let path = '';
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes, i);
    if (n === 0) {
      path += `\\x${(bytes[i] ?? 0).toString(16).padStart(2, '0')}`;
      i++;
    } else {
      path += bytes.toString('utf8', i, i + n);
      i += n;
    }
  }
  return { path, pathBytes: bytes.toString('base64') };
}
