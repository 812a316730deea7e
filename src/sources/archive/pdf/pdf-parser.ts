import { PdfLexer, type PdfToken } from './pdf-lexer.js';
import { type PdfDict, PdfName, PdfRef, type PdfValue } from './pdf-value.js';

/** Arrays and dictionaries nested deeper than this are cut off: real files nest a handful. */
const MAX_NESTING = 64;

/**
 * Values of PDF object syntax from a lexer, `N G R` read as a reference. A token out of place
 * ends the value it is in rather than the parse: damaged files are read as far as they make sense.
 */
export class PdfParser {
  readonly lexer: PdfLexer;
  #ahead: PdfToken[] = [];

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.lexer = new PdfLexer(buf, pos, end);
  }

  /** Where the next token not yet peeked starts (after any looked-ahead tokens are taken). */
  get pos(): number {
    return this.lexer.pos;
  }

  /** Drops looked-ahead tokens and goes on from `pos`. */
  seek(pos: number): void {
    this.#ahead = [];
    this.lexer.pos = pos;
  }

  token(): PdfToken {
    return this.#ahead.shift() ?? this.lexer.next();
  }

  peek(i = 0): PdfToken {
    while (this.#ahead.length <= i) this.#ahead.push(this.lexer.next());
    return this.#ahead[i] as PdfToken;
  }

  /** The next value; a keyword that is not a value (`stream`, `endobj`, an operator) is left unread and gives undefined. */
  value(depth = 0): PdfValue | undefined {
    const t = this.peek();
    switch (t.kind) {
      case 'eof':
      case 'close-array':
      case 'close-dict':
        return undefined;
      case 'number': {
        this.token();
        if (t.integer && t.value >= 0) {
          const g = this.peek();
          const r = this.peek(1);
          if (g.kind === 'number' && g.integer && r.kind === 'keyword' && r.value === 'R') {
            this.token();
            this.token();
            return new PdfRef(t.value, g.value);
          }
        }
        return t.value;
      }
      case 'name':
        this.token();
        return new PdfName(t.value);
      case 'string':
        this.token();
        return t.value;
      case 'open-array':
        this.token();
        return this.array(depth + 1);
      case 'open-dict':
        this.token();
        return this.dict(depth + 1);
      case 'keyword':
        if (t.value === 'true' || t.value === 'false') {
          this.token();
          return t.value === 'true';
        }
        if (t.value === 'null') {
          this.token();
          return null;
        }
        return undefined;
    }
  }

  private array(depth: number): PdfValue[] {
    const out: PdfValue[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return out;
      if (t.kind === 'close-array') {
        this.token();
        return out;
      }
      if (depth > MAX_NESTING) {
        this.token();
        continue;
      }
      const v = this.value(depth);
      if (v === undefined) {
        // A stray keyword or '>>': an array never holds one; step over it.
        if (t.kind === 'keyword' && (t.value === 'endobj' || t.value === 'stream')) return out;
        this.token();
        continue;
      }
      out.push(v);
    }
  }

  private dict(depth: number): PdfDict {
    const out: PdfDict = new Map();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return out;
      if (t.kind === 'close-dict') {
        this.token();
        return out;
      }
      if (t.kind !== 'name') {
        if (t.kind === 'keyword' && (t.value === 'endobj' || t.value === 'stream')) return out;
        this.token();
        continue;
      }
      this.token();
      if (depth > MAX_NESTING) continue;
      const v = this.value(depth);
      if (v !== undefined) out.set(t.value, v);
    }
  }
}
