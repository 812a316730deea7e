import type { ExpansionBudget } from '../expansion-budget.js';
import { decodePdfStream } from './decode-pdf-stream.js';
import { glyphNameText } from './glyph-name-text.js';
import type { PdfDocument } from './pdf-document.js';
import { isDict, nameOf, numberOf, type PdfDict } from './pdf-value.js';
import { readCode, ToUnicodeCMap } from './to-unicode-cmap.js';

/** Turns the bytes of a shown string into text, the way the font maps its codes. */
export interface FontText {
  decode(bytes: Buffer): string;
}

/** Bytes as Latin-1: ASCII is the same in every standard simple-font encoding. */
export const PLAIN_FONT: FontText = {
  decode: (bytes) => bytes.toString('latin1'),
};

/**
 * A font's code-to-text map: its ToUnicode CMap when it has one (what LibreOffice, Word, Chrome
 * and pdfTeX write for subset fonts, whose glyph ids are not character codes), else for simple
 * fonts the encoding's /Differences glyph names over Latin-1. A composite font (Type0) without a
 * ToUnicode CMap has codes that are glyph ids only: they give no text.
 */
export function fontText(
  doc: PdfDocument,
  font: PdfDict,
  budget: ExpansionBudget,
  /** CMaps read so far, by object: many fonts may name one, and it is read once. */
  cmaps: Map<number, ToUnicodeCMap | undefined>,
): FontText {
  const composite = nameOf(doc.get(font, 'Subtype')) === 'Type0';
  let cmap: ToUnicodeCMap | undefined;
  const toUnicode = doc.target(font.get('ToUnicode'));
  if (toUnicode?.stream !== undefined) {
    if (cmaps.has(toUnicode.num)) cmap = cmaps.get(toUnicode.num);
    else {
      const decoded = decodePdfStream(doc, toUnicode.stream, budget);
      if (decoded.kind === 'data') cmap = ToUnicodeCMap.parse(decoded.data);
      cmaps.set(toUnicode.num, cmap);
    }
  }
  const differences = composite ? undefined : differencesOf(doc, font);
  return {
    decode(bytes: Buffer): string {
      let out = '';
      let at = 0;
      while (at < bytes.length) {
        const len = cmap?.codeLength(bytes, at) ?? (composite ? 2 : 1);
        const n = Math.min(len, bytes.length - at);
        const code = readCode(bytes, at, n);
        at += n;
        const mapped = cmap?.lookup(code, n);
        if (mapped !== undefined) out += mapped;
        else if (!composite) out += differences?.get(code) ?? String.fromCharCode(code);
        else out += '\ufffd';
      }
      return out;
    },
  };
}

/** An encoding's /Differences: `[code /name /name … code /name …]`. */
function differencesOf(doc: PdfDocument, font: PdfDict): Map<number, string> | undefined {
  const encoding = doc.get(font, 'Encoding');
  if (!isDict(encoding)) return undefined;
  const diffs = doc.get(encoding, 'Differences');
  if (!Array.isArray(diffs)) return undefined;
  const out = new Map<number, string>();
  let code = 0;
  for (const d of diffs.slice(0, 4096)) {
    const n = numberOf(d);
    if (n !== undefined) {
      code = Math.floor(n);
      continue;
    }
    const name = nameOf(d);
    if (name === undefined) continue;
    const text = glyphNameText(name);
    if (text !== undefined && code >= 0 && code < 256) out.set(code, text);
    code++;
  }
  return out;
}
