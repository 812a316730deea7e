/** What the lexer reads: PDF's tokens, for object syntax and content streams alike. */
export type PdfToken =
  | { readonly kind: 'number'; readonly value: number; readonly integer: boolean }
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'string'; readonly value: Buffer }
  | { readonly kind: 'open-array' | 'close-array' | 'open-dict' | 'close-dict' | 'eof' }
  /** Everything else: operators, `obj`, `R`, `true`, `stream`… */
  | { readonly kind: 'keyword'; readonly value: string };

const EOF_TOKEN: PdfToken = { kind: 'eof' };

/** Whitespace and delimiters, by byte (PDF 32000-1, 7.2.2). */
const CLASS = new Uint8Array(256);
const SPACE = 1;
const DELIMITER = 2;
for (const b of [0, 9, 10, 12, 13, 32]) CLASS[b] = SPACE;
for (const c of '()<>[]{}/%') CLASS[c.charCodeAt(0)] = DELIMITER;

/** A regular character (not whitespace, not a delimiter): names, numbers and keywords are runs of them. */
export function isRegular(b: number | undefined): boolean {
  return b !== undefined && CLASS[b] === 0;
}

export function isSpace(b: number | undefined): boolean {
  return b !== undefined && CLASS[b] === SPACE;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/**
 * Tokens of buf[pos, end), one at a time, in one forward pass: every token costs time in
 * proportion to its bytes, so hostile input (unbalanced parentheses, endless names) is linear.
 * Never throws; bytes that make no token are stepped over.
 */
export class PdfLexer {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  next(): PdfToken {
    const { buf, end } = this;
    for (;;) {
      while (this.pos < end && CLASS[buf[this.pos] as number] === SPACE) this.pos++;
      if (this.pos >= end) return EOF_TOKEN;
      const b = buf[this.pos] as number;
      if (b === 0x25) {
        // A comment runs to the end of the line.
        while (this.pos < end && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
        continue;
      }
      if (b === 0x28) return { kind: 'string', value: this.literal() };
      if (b === 0x3c) {
        if (buf[this.pos + 1] === 0x3c) {
          this.pos += 2;
          return { kind: 'open-dict' };
        }
        return { kind: 'string', value: this.hex() };
      }
      if (b === 0x3e) {
        this.pos += buf[this.pos + 1] === 0x3e ? 2 : 1;
        return { kind: 'close-dict' };
      }
      if (b === 0x5b) {
        this.pos++;
        return { kind: 'open-array' };
      }
      if (b === 0x5d) {
        this.pos++;
        return { kind: 'close-array' };
      }
      if (b === 0x2f) return { kind: 'name', value: this.name() };
      if (CLASS[b] === DELIMITER) {
        // ')', '{', '}' on their own: nothing we need.
        this.pos++;
        continue;
      }
      const start = this.pos;
      while (this.pos < end && CLASS[buf[this.pos] as number] === 0) this.pos++;
      const word = buf.toString('latin1', start, this.pos);
      const c = word.charCodeAt(0);
      if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
        const value = Number(word);
        if (Number.isFinite(value))
          return { kind: 'number', value, integer: /^[+-]?\d+$/.test(word) };
        // "--5", "1.2.3": readers take what they can; an odd number is never text.
        const loose = Number.parseFloat(word.replace(/^[+-]+/, (s) => s.slice(-1)));
        return { kind: 'number', value: Number.isFinite(loose) ? loose : 0, integer: false };
      }
      return { kind: 'keyword', value: word };
    }
  }

  /** A literal string from its '(' (PDF 32000-1, 7.3.4.2): nested parentheses, escapes, octal. */
  private literal(): Buffer {
    const { buf, end } = this;
    const out: number[] = [];
    let depth = 1;
    let at = this.pos + 1;
    while (at < end) {
      const b = buf[at++] as number;
      if (b === 0x5c) {
        if (at >= end) break;
        const e = buf[at++] as number;
        switch (e) {
          case 0x6e:
            out.push(0x0a);
            break;
          case 0x72:
            out.push(0x0d);
            break;
          case 0x74:
            out.push(0x09);
            break;
          case 0x62:
            out.push(0x08);
            break;
          case 0x66:
            out.push(0x0c);
            break;
          case 0x0d:
            // A backslash at the end of a line continues the string on the next.
            if (buf[at] === 0x0a) at++;
            break;
          case 0x0a:
            break;
          default:
            if (e >= 0x30 && e <= 0x37) {
              let code = e - 0x30;
              for (let i = 0; i < 2 && at < end; i++) {
                const d = buf[at] as number;
                if (d < 0x30 || d > 0x37) break;
                code = code * 8 + (d - 0x30);
                at++;
              }
              out.push(code & 0xff);
            } else out.push(e);
        }
        continue;
      }
      if (b === 0x28) depth++;
      else if (b === 0x29 && --depth === 0) break;
      // An end of line in a string is one LF, however it was written.
      if (b === 0x0d) {
        if (buf[at] === 0x0a) at++;
        out.push(0x0a);
        continue;
      }
      out.push(b);
    }
    this.pos = at;
    return Buffer.from(out);
  }

  /** A hex string from its '<': whitespace ignored, an odd last digit padded with 0. */
  private hex(): Buffer {
    const { buf, end } = this;
    const out: number[] = [];
    let high = -1;
    let at = this.pos + 1;
    while (at < end) {
      const b = buf[at++] as number;
      if (b === 0x3e) break;
      const v = hexValue(b);
      if (v < 0) continue;
      if (high < 0) high = v;
      else {
        out.push(high * 16 + v);
        high = -1;
      }
    }
    if (high >= 0) out.push(high * 16);
    this.pos = at;
    return Buffer.from(out);
  }

  /** A name from its '/', `#xx` escapes decoded (latin1: names are bytes). */
  private name(): string {
    const { buf, end } = this;
    let at = this.pos + 1;
    const start = at;
    while (at < end && CLASS[buf[at] as number] === 0) at++;
    this.pos = at;
    const raw = buf.toString('latin1', start, at);
    if (!raw.includes('#')) return raw;
    return raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) =>
      String.fromCharCode(Number.parseInt(h, 16)),
    );
  }
}
