import { isRegular, isSpace } from './pdf-lexer.js';
import { PdfParser } from './pdf-parser.js';
import { isDict, nameOf, numberOf, type PdfDict, PdfRef, type PdfValue } from './pdf-value.js';

/** One indirect object; a stream keeps where its (still encoded) data lies. */
export interface PdfObject {
  readonly num: number;
  readonly value: PdfValue;
  readonly stream?: { readonly dict: PdfDict; readonly start: number; readonly end: number };
  /** Where in the file it starts (objects from an object stream: the stream's). */
  readonly offset: number;
}

/** Hops through references to references before giving up (a loop, or a hostile chain). */
const MAX_HOPS = 16;

const OBJ = Buffer.from('obj');
const ENDSTREAM = Buffer.from('endstream');
const TRAILER = Buffer.from('trailer');

/**
 * The objects of a PDF, found by reading the file front to back for `N G obj`, never through its
 * cross-reference table: an xref can be damaged or lie, and a reader that trusts it can be sent
 * anywhere. A later definition of a number replaces an earlier one (incremental updates append).
 * Stream data is stepped over, so bytes inside a stream are never taken for objects.
 */
export class PdfDocument {
  readonly buf: Buffer;
  readonly objects = new Map<number, PdfObject>();
  /** Trailer dictionaries, and cross-reference stream dictionaries (which serve as trailers). */
  readonly trailers: PdfDict[] = [];
  /** Stream data ranges, in file order: a `trailer` inside one is content, not the file's. */
  readonly #spans: number[] = [];

  constructor(buf: Buffer) {
    this.buf = buf;
    this.scan();
  }

  /** A value with references followed (a bounded number of hops); undefined for a dangling one. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    let value = v;
    for (let hops = 0; value instanceof PdfRef; hops++) {
      if (hops >= MAX_HOPS) return undefined;
      value = this.objects.get(value.num)?.value;
    }
    return value;
  }

  /** `dict[key]`, resolved. */
  get(dict: PdfDict | undefined, key: string): PdfValue | undefined {
    return dict === undefined ? undefined : this.resolve(dict.get(key));
  }

  /** The object a value refers to, if it is a reference. */
  target(v: PdfValue | undefined): PdfObject | undefined {
    return v instanceof PdfRef ? this.objects.get(v.num) : undefined;
  }

  /** Adds an object held in an object stream, unless the file defines that number itself. */
  addCompressed(num: number, value: PdfValue, offset: number): void {
    if (!this.objects.has(num)) this.objects.set(num, { num, value, offset });
  }

  private scan(): void {
    const { buf } = this;
    const parser = new PdfParser(buf);
    let from = 0;
    for (;;) {
      const at = buf.indexOf(OBJ, from);
      if (at === -1) break;
      from = at + 3;
      const num = this.header(at);
      if (num === undefined || isRegular(buf[at + 3])) continue;
      parser.seek(at + 3);
      const value = parser.value() ?? null;
      const next = parser.peek();
      if (next.kind === 'keyword' && next.value === 'stream' && isDict(value)) {
        const start = dataStart(buf, parser.pos);
        const end = this.streamEnd(value, start);
        this.objects.set(num, { num, value, stream: { dict: value, start, end }, offset: at });
        this.#spans.push(start, end);
        from = end;
      } else {
        this.objects.set(num, { num, value, offset: at });
        from = Math.max(from, parser.pos);
      }
    }
    // Each search goes on after the dictionary just read: an unclosed `trailer <<` repeated
    // through a file is then read once, not once per occurrence.
    for (let at = buf.indexOf(TRAILER); at !== -1; ) {
      let next = at + 7;
      if (!this.inStream(at)) {
        parser.seek(at + 7);
        const value = parser.value();
        if (isDict(value)) this.trailers.push(value);
        next = Math.max(next, parser.pos);
      }
      at = buf.indexOf(TRAILER, next);
    }
    for (const o of this.objects.values()) {
      if (o.stream !== undefined && nameOf(o.stream.dict.get('Type')) === 'XRef')
        this.trailers.push(o.stream.dict);
    }
  }

  private inStream(at: number): boolean {
    const spans = this.#spans;
    let lo = 0;
    let hi = spans.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((spans[2 * mid] as number) > at) hi = mid - 1;
      else if ((spans[2 * mid + 1] as number) <= at) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The object number of `N G obj` whose `obj` is at `at`, when what precedes it is that. */
  private header(at: number): number | undefined {
    const { buf } = this;
    let i = at - 1;
    if (!isSpace(buf[i])) return undefined;
    while (i >= 0 && isSpace(buf[i])) i--;
    const genEnd = i + 1;
    while (i >= 0 && isDigit(buf[i])) i--;
    if (i + 1 === genEnd || genEnd - (i + 1) > 5 || !isSpace(buf[i])) return undefined;
    while (i >= 0 && isSpace(buf[i])) i--;
    const numEnd = i + 1;
    while (i >= 0 && isDigit(buf[i])) i--;
    const numStart = i + 1;
    if (numStart === numEnd || numEnd - numStart > 10) return undefined;
    if (i >= 0 && isRegular(buf[i])) return undefined;
    return Number(buf.toString('latin1', numStart, numEnd));
  }

  /**
   * Where a stream's data ends: its direct /Length when `endstream` follows it there, else the
   * next `endstream` (what readers fall back to when /Length is indirect or wrong).
   */
  private streamEnd(dict: PdfDict, start: number): number {
    const { buf } = this;
    const length = numberOf(dict.get('Length'));
    if (
      length !== undefined &&
      Number.isInteger(length) &&
      length >= 0 &&
      start + length <= buf.length
    ) {
      let at = start + length;
      while (at < buf.length && isSpace(buf[at])) at++;
      if (buf.subarray(at, at + ENDSTREAM.length).equals(ENDSTREAM)) return start + length;
    }
    const found = buf.indexOf(ENDSTREAM, start);
    let end = found === -1 ? buf.length : found;
    // The end-of-line before `endstream` is not data.
    if (end > start && buf[end - 1] === 0x0a) end--;
    if (end > start && buf[end - 1] === 0x0d) end--;
    return end;
  }
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** Data starts after `stream` and its end of line (CRLF or LF; a lone CR is tolerated). */
function dataStart(buf: Buffer, afterKeyword: number): number {
  let at = afterKeyword;
  if (buf[at] === 0x0d) at++;
  if (buf[at] === 0x0a) at++;
  return at;
}
