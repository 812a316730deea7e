import type { FontText } from './pdf-font.js';
import { isSpace } from './pdf-lexer.js';
import { PdfParser } from './pdf-parser.js';
import { numberOf, PdfName, type PdfValue } from './pdf-value.js';

/**
 * A TJ adjustment at or below this (thousandths of an em, negative moves right) reads as a word
 * space: pdfTeX writes spaces as ~-330, while kerning inside a word stays within ±100.
 */
const SPACE_ADJUSTMENT = -180;
/** Operands kept for one operator: no operator takes more than six (TJ takes one array). */
const MAX_OPERANDS = 32;

const EI = Buffer.from('EI');

/**
 * The text a content stream shows (PDF 32000-1, 9.4): Tj, TJ, ' and " strings decoded through
 * the current font, in stream order. A move to another line starts a new line of text; a move
 * along the line, or a large TJ gap, a space; TJ kerning between the pieces of one word adds
 * nothing, so a key set with kerning stays one word. `font(name)` gives the font of a /Tf
 * resource name. Never throws; linear in the stream's size.
 */
export function contentText(data: Buffer, font: (name: string) => FontText): string {
  const parser = new PdfParser(data);
  const out: string[] = [];
  let operands: PdfValue[] = [];
  let current: FontText | undefined;
  let y = 0;
  let lineY = 0;
  let shownY: number | undefined;
  let moved = false;
  let newline = false;
  const show = (text: string): void => {
    if (text.length === 0) return;
    if (out.length > 0) {
      if (newline || (shownY !== undefined && Math.abs(y - shownY) > 0.01)) out.push('\n');
      else if (moved) out.push(' ');
    }
    moved = false;
    newline = false;
    shownY = y;
    out.push(text);
  };
  const decode = (s: PdfValue | undefined): string =>
    Buffer.isBuffer(s) ? (current ?? fallback).decode(s) : '';
  for (;;) {
    const v = parser.value();
    if (v !== undefined) {
      if (operands.length >= MAX_OPERANDS) operands = operands.slice(-MAX_OPERANDS / 2);
      operands.push(v);
      continue;
    }
    const t = parser.token();
    if (t.kind === 'eof') break;
    if (t.kind !== 'keyword') {
      operands = [];
      continue;
    }
    const n = (i: number): number => numberOf(operands[operands.length - i]) ?? 0;
    switch (t.value) {
      case 'BT':
        y = 0;
        lineY = 0;
        moved = true;
        break;
      case 'Tf': {
        const name = operands[operands.length - 2];
        if (name instanceof PdfName) current = font(name.name);
        break;
      }
      case 'Td':
      case 'TD':
        lineY += n(1);
        y = lineY;
        if (n(2) !== 0) moved = true;
        break;
      case 'Tm':
        lineY = n(1);
        y = lineY;
        moved = true;
        break;
      case 'T*':
        newline = true;
        break;
      case 'Tj':
        show(decode(operands[operands.length - 1]));
        break;
      case "'":
        newline = true;
        show(decode(operands[operands.length - 1]));
        break;
      case '"':
        newline = true;
        show(decode(operands[operands.length - 1]));
        break;
      case 'TJ': {
        const items = operands[operands.length - 1];
        if (!Array.isArray(items)) break;
        let text = '';
        for (const item of items) {
          if (Buffer.isBuffer(item)) text += decode(item);
          else if (typeof item === 'number' && item <= SPACE_ADJUSTMENT && text.length > 0)
            text += ' ';
        }
        show(text);
        break;
      }
      case 'ID':
        skipInlineImage(parser, data);
        break;
    }
    operands = [];
  }
  return out.join('');
}

const fallback: FontText = { decode: (b) => b.toString('latin1') };

/** Steps over an inline image's data: up to `EI` standing alone (whitespace before, after or the end). */
function skipInlineImage(parser: PdfParser, data: Buffer): void {
  let at = parser.pos + 1;
  for (;;) {
    const found = data.indexOf(EI, at);
    if (found === -1) {
      parser.seek(data.length);
      return;
    }
    if (isSpace(data[found - 1]) && (found + 2 >= data.length || isSpace(data[found + 2]))) {
      parser.seek(found + 2);
      return;
    }
    at = found + 1;
  }
}
