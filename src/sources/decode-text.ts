export type Decoded = { readonly text: string } | { readonly binary: true };

const SNIFF_BYTES = 8000;

/** A NUL byte in the first 8,000 bytes (searched there only, not through the whole file). */
export function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, SNIFF_BYTES).includes(0);
}

function hasBom(buf: Buffer, ...bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b);
}

/**
 * Bytes → text: UTF-8 (BOM stripped), UTF-16 LE/BE with BOM; a NUL byte in the first 8,000 bytes
 * of anything else means binary (git's and ripgrep's rule).
 */
export function decodeText(buf: Buffer): Decoded {
  if (hasBom(buf, 0xef, 0xbb, 0xbf)) return { text: buf.toString('utf8', 3) };
  if (hasBom(buf, 0xff, 0xfe)) return { text: buf.toString('utf16le', 2) };
  if (hasBom(buf, 0xfe, 0xff)) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return { text: swapped.toString('utf16le') };
  }
  if (looksBinary(buf)) return { binary: true };
  return { text: buf.toString('utf8') };
}

/** True when the bytes are UTF-16 (BOM): byte-level keyword prefilters cannot see into them. */
export function isUtf16(buf: Buffer): boolean {
  return hasBom(buf, 0xff, 0xfe) || hasBom(buf, 0xfe, 0xff);
}
