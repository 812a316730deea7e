import { PdfLexer, type PdfToken } from './pdf-lexer.js';

/** Codes of one byte length in one range, mapped to consecutive text (or to a list). */
interface CodeRange {
  readonly lo: number;
  readonly hi: number;
  readonly bytes: number;
  /** First code's text: later codes add to its last UTF-16 unit. */
  readonly base?: string;
  readonly list?: readonly string[];
}

/** Mappings kept from one CMap: far past any font (a CJK font maps ~30,000 glyphs). */
const MAX_MAPPINGS = 200_000;

/**
 * A font's ToUnicode CMap (PDF 32000-1, 9.10.3): its code space (how many bytes each code takes)
 * and its `bfchar` / `bfrange` mappings. Ranges stay ranges, so a hostile `<0000> <FFFFFFFF>` costs
 * nothing; lookups are a map and a binary search.
 */
export class ToUnicodeCMap {
  /** Code space ranges: [bytes, lo, hi]. */
  readonly space: [number, number, number][] = [];
  readonly #single = new Map<number, string>();
  #ranges: CodeRange[] = [];

  static parse(data: Buffer): ToUnicodeCMap {
    const cmap = new ToUnicodeCMap();
    cmap.read(new PdfLexer(data));
    cmap.#ranges.sort((a, b) => a.bytes - b.bytes || a.lo - b.lo);
    return cmap;
  }

  get size(): number {
    return this.#single.size + this.#ranges.length;
  }

  /** How many bytes the code at buf[at] takes, per the code space (undefined: none declared matches). */
  codeLength(buf: Uint8Array, at: number): number | undefined {
    for (const [bytes, lo, hi] of this.space) {
      if (at + bytes > buf.length) continue;
      const code = readCode(buf, at, bytes);
      // Code space ranges bound each byte on its own; whole-code bounds are close enough to choose a length.
      if (code >= lo && code <= hi) return bytes;
    }
    return undefined;
  }

  /** The text of a code of `bytes` bytes, or undefined. */
  lookup(code: number, bytes: number): string | undefined {
    const single = this.#single.get(bytes * 0x100000000 + code);
    if (single !== undefined) return single;
    const ranges = this.#ranges;
    let lo = 0;
    let hi = ranges.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid] as CodeRange;
      if (r.bytes < bytes || (r.bytes === bytes && r.lo <= code)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const r = ranges[found];
    if (r === undefined || r.bytes !== bytes || code > r.hi) return undefined;
    if (r.list !== undefined) return r.list[code - r.lo];
    const base = r.base ?? '';
    if (base.length === 0) return undefined;
    const last = base.charCodeAt(base.length - 1) + (code - r.lo);
    return base.slice(0, -1) + String.fromCharCode(last & 0xffff);
  }

  private read(lexer: PdfLexer): void {
    const strings: Buffer[] = [];
    let mode: 'space' | 'char' | 'range' | undefined;
    let pendingArray: string[] | undefined;
    let mapped = 0;
    for (let t: PdfToken = lexer.next(); t.kind !== 'eof'; t = lexer.next()) {
      if (t.kind === 'keyword') {
        strings.length = 0;
        if (t.value === 'begincodespacerange') mode = 'space';
        else if (t.value === 'beginbfchar') mode = 'char';
        else if (t.value === 'beginbfrange') mode = 'range';
        else if (t.value.startsWith('end')) mode = undefined;
        continue;
      }
      if (mode === undefined || mapped >= MAX_MAPPINGS) continue;
      if (t.kind === 'open-array' && mode === 'range') {
        pendingArray = [];
        continue;
      }
      if (t.kind === 'close-array' && pendingArray !== undefined) {
        const [lo, hi] = strings;
        if (lo !== undefined && hi !== undefined && lo.length === hi.length && lo.length <= 4) {
          this.#ranges.push({ lo: code(lo), hi: code(hi), bytes: lo.length, list: pendingArray });
          mapped++;
        }
        pendingArray = undefined;
        strings.length = 0;
        continue;
      }
      if (t.kind !== 'string' && t.kind !== 'name') continue;
      // A destination can also be a glyph name (`/space`); only strings are kept as text.
      const s = t.kind === 'string' ? t.value : Buffer.alloc(0);
      if (pendingArray !== undefined) {
        if (pendingArray.length < 0x10000) pendingArray.push(utf16be(s));
        continue;
      }
      strings.push(s);
      if (mode === 'space' && strings.length === 2) {
        const [lo, hi] = strings as [Buffer, Buffer];
        if (lo.length === hi.length && lo.length >= 1 && lo.length <= 4)
          this.space.push([lo.length, code(lo), code(hi)]);
        strings.length = 0;
      } else if (mode === 'char' && strings.length === 2) {
        const [src, dst] = strings as [Buffer, Buffer];
        if (src.length >= 1 && src.length <= 4) {
          this.#single.set(src.length * 0x100000000 + code(src), utf16be(dst));
          mapped++;
        }
        strings.length = 0;
      } else if (mode === 'range' && strings.length === 3) {
        const [lo, hi, dst] = strings as [Buffer, Buffer, Buffer];
        if (lo.length === hi.length && lo.length >= 1 && lo.length <= 4) {
          this.#ranges.push({ lo: code(lo), hi: code(hi), bytes: lo.length, base: utf16be(dst) });
          mapped++;
        }
        strings.length = 0;
      }
    }
    if (this.space.length === 0) {
      // No code space: the mappings' own source lengths say how long codes are.
      const lengths = new Set<number>();
      for (const key of this.#single.keys()) lengths.add(Math.floor(key / 0x100000000));
      for (const r of this.#ranges) lengths.add(r.bytes);
      for (const bytes of lengths) this.space.push([bytes, 0, 2 ** (8 * bytes) - 1]);
    }
    this.space.sort((a, b) => a[0] - b[0]);
  }
}

/** A big-endian code from up to four bytes. */
export function readCode(buf: Uint8Array, at: number, bytes: number): number {
  let c = 0;
  for (let i = 0; i < bytes; i++) c = c * 256 + (buf[at + i] as number);
  return c;
}

function code(b: Buffer): number {
  return readCode(b, 0, b.length);
}

/** A CMap destination: UTF-16BE; an odd byte out is dropped. */
function utf16be(b: Buffer): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2)
    s += String.fromCharCode(((b[i] as number) << 8) | (b[i + 1] as number));
  if (b.length === 1) s = String.fromCharCode(b[0] as number);
  return s;
}
