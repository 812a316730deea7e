import { constants, inflateSync } from 'node:zlib';
import { numberOf, type PdfDict } from './pdf-value.js';

/** Thrown when a stage's output would pass the cap it was given. */
export class OverCap extends Error {
  constructor() {
    super('decoded data over the cap');
    this.name = 'OverCap';
  }
}

/** Image codecs: their output is pixels, never text a reader shows, so they are not decoded. */
export const IMAGE_FILTERS: ReadonlySet<string> = new Set([
  'DCTDecode',
  'DCT',
  'JPXDecode',
  'CCITTFaxDecode',
  'CCF',
  'JBIG2Decode',
]);

/** The filters decoded here, by full and abbreviated (inline image) name. */
export const DECODERS: Readonly<
  Record<string, (data: Buffer, parms: PdfDict | undefined, cap: number) => Buffer>
> = {
  FlateDecode: flate,
  Fl: flate,
  ASCIIHexDecode: asciiHex,
  AHx: asciiHex,
  ASCII85Decode: ascii85,
  A85: ascii85,
  RunLengthDecode: runLength,
  RL: runLength,
  LZWDecode: lzw,
  LZW: lzw,
};

function flate(data: Buffer, parms: PdfDict | undefined, cap: number): Buffer {
  let out: Buffer;
  try {
    // A sync flush at the end: a stream cut short (or missing its checksum, as some writers
    // leave it) gives what it holds instead of an error; damaged data is still an error.
    out = inflateSync(data, { maxOutputLength: cap + 1, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new OverCap();
    throw error;
  }
  if (out.length > cap) throw new OverCap();
  return unpredict(out, parms);
}

/** Undoes PNG row predictors (Predictor 10–15); other predictors leave the bytes as they are. */
function unpredict(data: Buffer, parms: PdfDict | undefined): Buffer {
  const predictor = numberOf(parms?.get('Predictor')) ?? 1;
  if (predictor < 10) return data;
  const colors = clampInt(numberOf(parms?.get('Colors')) ?? 1, 1, 32);
  const bits = clampInt(numberOf(parms?.get('BitsPerComponent')) ?? 8, 1, 16);
  const columns = clampInt(numberOf(parms?.get('Columns')) ?? 1, 1, 1 << 24);
  const bpp = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowBytes = Math.ceil((colors * bits * columns) / 8);
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowBytes + 1)] as number;
    const src = r * (rowBytes + 1) + 1;
    const dst = r * rowBytes;
    const up = dst - rowBytes;
    for (let i = 0; i < rowBytes; i++) {
      const raw = data[src + i] as number;
      const left = i >= bpp ? (out[dst + i - bpp] as number) : 0;
      const above = r > 0 ? (out[up + i] as number) : 0;
      const corner = r > 0 && i >= bpp ? (out[up + i - bpp] as number) : 0;
      let v = raw;
      if (type === 1) v = raw + left;
      else if (type === 2) v = raw + above;
      else if (type === 3) v = raw + ((left + above) >> 1);
      else if (type === 4) v = raw + paeth(left, above, corner);
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.floor(v)));
}

function asciiHex(data: Buffer, _parms: PdfDict | undefined, cap: number): Buffer {
  const out = Buffer.allocUnsafe(Math.min(cap + 1, Math.ceil(data.length / 2)));
  let n = 0;
  let high = -1;
  for (const b of data) {
    if (b === 0x3e) break;
    const v = hexDigit(b);
    if (v < 0) continue;
    if (high < 0) high = v;
    else {
      out[n++] = high * 16 + v;
      high = -1;
    }
  }
  if (high >= 0) out[n++] = high * 16;
  if (n > cap) throw new OverCap();
  return out.subarray(0, n);
}

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

function ascii85(data: Buffer, _parms: PdfDict | undefined, cap: number): Buffer {
  // 'z' makes 4 bytes of one: the output is at most 4 bytes per input byte.
  const out = Buffer.allocUnsafe(Math.min(cap + 4, data.length * 4));
  let n = 0;
  let group = 0;
  let count = 0;
  const put = (bytes: number): void => {
    if (n + bytes > cap) throw new OverCap();
    for (let i = 0; i < bytes; i++) out[n++] = (group >>> (24 - 8 * i)) & 0xff;
  };
  let at = 0;
  if (data[0] === 0x3c && data[1] === 0x7e) at = 2;
  for (; at < data.length; at++) {
    const b = data[at] as number;
    if (b === 0x7e) break;
    if (b === 0x7a && count === 0) {
      group = 0;
      put(4);
      continue;
    }
    if (b < 0x21 || b > 0x75) continue;
    group = group * 85 + (b - 0x21);
    if (++count === 5) {
      group >>>= 0;
      put(4);
      group = 0;
      count = 0;
    }
  }
  if (count > 1) {
    for (let i = count; i < 5; i++) group = group * 85 + 84;
    group >>>= 0;
    put(count - 1);
  }
  return out.subarray(0, n);
}

function runLength(data: Buffer, _parms: PdfDict | undefined, cap: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  let at = 0;
  while (at < data.length) {
    const len = data[at++] as number;
    if (len === 128) break;
    let piece: Buffer;
    if (len < 128) {
      piece = data.subarray(at, at + len + 1);
      at += len + 1;
    } else {
      piece = Buffer.alloc(257 - len, data[at++] ?? 0);
    }
    total += piece.length;
    if (total > cap) throw new OverCap();
    parts.push(piece);
  }
  return Buffer.concat(parts, total);
}

/** LZW as PDF and TIFF use it: 9 to 12-bit codes, MSB first, early change by default. */
function lzw(data: Buffer, parms: PdfDict | undefined, cap: number): Buffer {
  const early = (numberOf(parms?.get('EarlyChange')) ?? 1) === 1 ? 1 : 0;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    length[i] = 1;
  }
  const parts: Buffer[] = [];
  let chunk = Buffer.allocUnsafe(64 * 1024);
  let n = 0;
  let total = 0;
  let next = 258;
  let width = 9;
  let previous = -1;
  let bitBuf = 0;
  let bitCount = 0;
  const emit = (code: number): void => {
    const len = length[code] as number;
    total += len;
    if (total > cap) throw new OverCap();
    if (n + len > chunk.length) {
      parts.push(chunk.subarray(0, n));
      chunk = Buffer.allocUnsafe(Math.max(64 * 1024, len));
      n = 0;
    }
    let c = code;
    for (let i = len - 1; i >= 0; i--) {
      chunk[n + i] = suffix[c] as number;
      c = prefix[c] as number;
    }
    n += len;
  };
  const first = (code: number): number => {
    let c = code;
    while ((prefix[c] as number) >= 0) c = prefix[c] as number;
    return suffix[c] as number;
  };
  for (const byte of data) {
    bitBuf = ((bitBuf << 8) | byte) & 0xffffff;
    bitCount += 8;
    while (bitCount >= width) {
      const code = (bitBuf >>> (bitCount - width)) & ((1 << width) - 1);
      bitCount -= width;
      if (code === 256) {
        next = 258;
        width = 9;
        previous = -1;
        continue;
      }
      if (code === 257) return finish();
      if (previous === -1) {
        if (code > 255) return finish();
        emit(code);
        previous = code;
        continue;
      }
      if (code > next || next >= 4096) return finish();
      const known = code < next;
      if (next < 4096) {
        prefix[next] = previous;
        suffix[next] = known ? first(code) : first(previous);
        length[next] = (length[previous] as number) + 1;
        next++;
      }
      emit(code);
      previous = code;
      if (next + early >= 1 << width && width < 12) width++;
    }
  }
  return finish();
  function finish(): Buffer {
    parts.push(chunk.subarray(0, n));
    return Buffer.concat(parts, total);
  }
}
