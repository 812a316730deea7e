import type { ArchiveSkipReason } from '../archive-item.js';
import { decodeCap } from '../decode-cap.js';
import { describeError } from '../describe-error.js';
import type { ExpansionBudget } from '../expansion-budget.js';
import { DECODERS, IMAGE_FILTERS, OverCap } from './decode-filters.js';
import type { PdfDocument } from './pdf-document.js';
import { isDict, nameOf, type PdfDict, type PdfValue } from './pdf-value.js';

/** A stream's data decoded, an image (not text, not decoded), or why it could not be read. */
export type Decoded =
  | { readonly kind: 'data'; readonly data: Buffer; readonly filtered: boolean }
  | { readonly kind: 'image' }
  | { readonly kind: 'skip'; readonly reason: ArchiveSkipReason; readonly detail: string };

/** Filters in one chain beyond this are not a real file's. */
const MAX_FILTERS = 8;

/**
 * A stream's data through its filters, counted against the file's budget like a zip entry: the
 * total decoded bytes, the ratio to its encoded bytes past the floor, and at most
 * `maxBufferedBytes` held at once, since a decoded stream is read whole (text needs it).
 */
export function decodePdfStream(
  doc: PdfDocument,
  stream: { readonly dict: PdfDict; readonly start: number; readonly end: number },
  budget: ExpansionBudget,
): Decoded {
  const raw = doc.buf.subarray(stream.start, stream.end);
  const filters = list(doc.get(stream.dict, 'Filter'), doc).map((f) => nameOf(f));
  const parms = list(doc.get(stream.dict, 'DecodeParms') ?? doc.get(stream.dict, 'DP'), doc);
  if (filters.length === 0) return { kind: 'data', data: raw, filtered: false };
  if (filters.some((f) => f !== undefined && IMAGE_FILTERS.has(f))) return { kind: 'image' };
  if (filters.length > MAX_FILTERS) {
    return {
      kind: 'skip',
      reason: 'archive-unreadable',
      detail: `${filters.length} filters in one chain, not decoded`,
    };
  }
  const cap = decodeCap(budget, raw.length, 'PDF stream');
  let data = raw;
  for (let i = 0; i < filters.length; i++) {
    const name = filters[i];
    if (name === 'Crypt') {
      // The Identity crypt filter (the default) passes data through; any other needs a key.
      const crypt = nameOf(doc.resolve(dictAt(parms, i, doc)?.get('Name')));
      if (crypt === undefined || crypt === 'Identity') continue;
    }
    const decode = name === undefined ? undefined : DECODERS[name];
    if (decode === undefined) {
      return {
        kind: 'skip',
        reason: 'archive-unreadable',
        detail: `PDF stream filter ${name === undefined ? '(not a name)' : safeName(name)} is not decoded, so this stream was not read`,
      };
    }
    try {
      data = decode(data, dictAt(parms, i, doc), cap.bytes);
    } catch (error) {
      if (error instanceof OverCap) return { kind: 'skip', ...cap.over() };
      return {
        kind: 'skip',
        reason: 'archive-unreadable',
        detail: `PDF stream (${safeName(name ?? '')}) unreadable: ${describeError(error)}`,
      };
    }
  }
  budget.expanded += data.length;
  return { kind: 'data', data, filtered: true };
}

function list(v: PdfValue | undefined, doc: PdfDocument): PdfValue[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.slice(0, MAX_FILTERS + 1).map((x) => doc.resolve(x) ?? null);
  return [v];
}

function dictAt(parms: PdfValue[], i: number, doc: PdfDocument): PdfDict | undefined {
  const p = doc.resolve(parms[i]);
  return isDict(p) ? p : undefined;
}

/** A filter name for a detail: it comes from the file, so only plain characters, bounded. */
function safeName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 37)}...` : clean;
}
