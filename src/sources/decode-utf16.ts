/** A decoded stretch of bytes, with the window's own byte range mapped to text offsets. */
export interface Utf16Text {
  readonly text: string;
  readonly ownFrom: number;
  readonly ownTo: number;
}

const REPLACEMENT = 0xfffd;

/** Printable ASCII, tab, LF and CR: bytes of plain text. */
function isText(b: number): boolean {
  return (b >= 0x20 && b <= 0x7e) || b === 0x09 || b === 0x0a || b === 0x0d;
}

/**
 * UTF-16 text read at whichever byte alignment it has, and the plain ASCII around it, as one
 * string: a key ID and its secret in two UTF-16 runs of different byte parity (a stray byte
 * between them, an ASCII header of odd length, little- then big-endian), or one in ASCII and the
 * other in UTF-16, are then side by side and can be paired.
 *
 * Byte by byte: `c 00` is the character c (little-endian, or big-endian text read one byte late);
 * `00 c` followed by `00` means the text sits at the other alignment, and the reading moves there;
 * two text bytes are plain ASCII, read one at a time; other pairs are code units (non-ASCII
 * UTF-16). A byte left out by a move, and the step from UTF-16 text into plain bytes, become
 * U+FFFD: a separator, so no value is glued to its neighbour across the seam. The content's last
 * byte, without a partner (`dangling`), is read as a character: big-endian text read one byte
 * late ends that way.
 */
export function decodeUtf16(
  buf: Buffer,
  from: number,
  end: number,
  own: { readonly from: number; readonly to: number },
  dangling: boolean,
): Utf16Text {
  // Each byte gives at most two code units (a kept stray byte and its separator).
  const out = Buffer.allocUnsafe(Math.max(0, end - from) * 4 + 4);
  let k = 0;
  const put = (lo: number, hi = 0) => {
    out[k++] = lo;
    out[k++] = hi;
  };
  let ownFrom = -1;
  let ownTo = -1;
  /** The last character came from a UTF-16 code unit. */
  let wide = false;
  let i = from;
  while (i < end) {
    if (ownFrom < 0 && i >= own.from) ownFrom = k;
    if (ownTo < 0 && i >= own.to) ownTo = k;
    const x = buf[i] as number;
    if (i + 1 >= end) {
      if (dangling) put(x);
      break;
    }
    const y = buf[i + 1] as number;
    if (y === 0 && x !== 0) {
      put(x);
      wide = true;
      i += 2;
      continue;
    }
    const z = i + 2 < end ? buf[i + 2] : -1;
    if (x === 0) {
      if (y !== 0 && z === 0) {
        // `00 c 00`: the text is one byte on; this NUL is the previous character's other half.
        i += 1;
        continue;
      }
      put(x, y);
      wide = true;
      i += 2;
      continue;
    }
    if (z === 0) {
      // `x c 00`: UTF-16 text starts at the next byte; x is plain text before it, or stray.
      if (isText(x)) put(x);
      put(REPLACEMENT & 0xff, REPLACEMENT >> 8);
      wide = false;
      i += 1;
      continue;
    }
    if (isText(x) && isText(y)) {
      if (wide) put(REPLACEMENT & 0xff, REPLACEMENT >> 8);
      wide = false;
      put(x);
      i += 1;
      continue;
    }
    put(x, y);
    wide = true;
    i += 2;
  }
  if (ownFrom < 0) ownFrom = k;
  if (ownTo < 0) ownTo = k;
  return { text: out.toString('utf16le', 0, k), ownFrom: ownFrom / 2, ownTo: ownTo / 2 };
}
