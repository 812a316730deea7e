import type { ArchiveInput } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import { holdInput } from './hold-input.js';
import { contentText } from './pdf/content-text.js';
import { type Decoded, decodePdfStream } from './pdf/decode-pdf-stream.js';
import { PdfDocument, type PdfObject } from './pdf/pdf-document.js';
import { type FontText, fontText, PLAIN_FONT } from './pdf/pdf-font.js';
import { pdfPages } from './pdf/pdf-pages.js';
import { PdfParser } from './pdf/pdf-parser.js';
import { collectStrings } from './pdf/pdf-strings.js';
import { isDict, nameOf, numberOf, type PdfDict, type PdfValue } from './pdf/pdf-value.js';
import type { ToUnicodeCMap } from './pdf/to-unicode-cmap.js';
import { unreadable } from './unreadable-event.js';

const MiB = 1024 * 1024;
/** A PDF on disk is read whole (it needs random access): up to this, or the expanded-size limit if lower. */
const PDF_FILE_BYTES = 256 * MiB;
/** Objects one object stream may declare. */
const MAX_STREAM_OBJECTS = 100_000;

/**
 * A PDF as a container (issue 10: a key typed into a document must be found). Its raw bytes are
 * scanned by the reader as for any file; this adds what they hide:
 * - `page N`: the page's content streams decoded, and `page N!text`, the text they show, through
 *   each font's ToUnicode CMap (subset fonts number their glyphs, not their characters);
 * - `obj N`: every other decoded stream (object streams, forms, embedded files, metadata), and
 *   `obj N!text` for a form's text;
 * - `strings` (and `obj N!strings` for an object stream): every string of every object as text
 *   (titles, annotations, form fields; UTF-16 and hex strings decoded).
 * An encrypted PDF, a filter not decoded, a stream that fails to decode or passes a limit are
 * skips. Image streams (DCT, JPX, CCITT, JBIG2) are pixels: not decoded, not a skip.
 */
export async function* readPdf(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  const { budget } = place;
  const fileCap = Math.min(PDF_FILE_BYTES, budget.limits.maxTotalBytes);
  const held = await holdInput(input, place, 'PDF', fileCap);
  if (held.kind === 'stopped') return;
  if (held.kind === 'skip') {
    yield held.event;
    return;
  }
  try {
    yield* readDocument(new PdfDocument(held.data), place);
  } finally {
    budget.buffered -= held.counted;
  }
}

async function* readDocument(
  doc: PdfDocument,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  const { budget } = place;
  // An encryption dictionary, not just the word: a broken reference encrypts nothing.
  if (doc.trailers.some((t) => isDict(doc.get(t, 'Encrypt')))) {
    yield unreadable(
      'encrypted PDF: its streams and strings were not decrypted, so what they hold was not read (its raw bytes were scanned)',
    );
    return;
  }
  const done = new Set<number>();
  const member = (name: string, data: Buffer): ContainerEvent => ({
    kind: 'member',
    name,
    open: () => once(data),
  });
  const skip = (name: string, d: Decoded & { kind: 'skip' }): ContainerEvent => ({
    kind: 'skipped',
    name,
    reason: d.reason,
    detail: d.detail,
  });
  const collected = new Set<PdfValue>();
  const objectStrings = (nums: Iterable<number>): string[] => {
    const out: string[] = [];
    for (const n of nums) {
      const o = doc.objects.get(n);
      const value = o?.stream?.dict ?? o?.value;
      // Objects that share one value (offsets named twice) give their strings once.
      if (value === undefined || collected.has(value)) continue;
      collected.add(value);
      collectStrings(value, out);
    }
    return out;
  };

  // Object streams first: they may hold the fonts and CMaps the pages need.
  const direct = [...doc.objects.keys()];
  for (const o of [...doc.objects.values()]) {
    if (o.stream === undefined || nameOf(doc.get(o.stream.dict, 'Type')) !== 'ObjStm') continue;
    done.add(o.num);
    if (!budget.countEntry()) {
      yield entryLimitSkip(place);
      return;
    }
    const d = decodePdfStream(doc, o.stream, budget);
    if (d.kind === 'skip') {
      yield skip(`obj ${o.num}`, d);
      if (budget.halted) return;
      continue;
    }
    if (d.kind !== 'data') continue;
    const nums = readObjectStream(doc, o, d.data);
    yield member(`obj ${o.num}`, d.data);
    const strings = objectStrings(nums);
    if (strings.length > 0) yield member(`obj ${o.num}!strings`, text(strings.join('\n')));
  }
  const strings = objectStrings(direct);
  if (strings.length > 0) yield member('strings', text(strings.join('\n')));

  const fonts = new Map<PdfDict, FontText>();
  const cmaps = new Map<number, ToUnicodeCMap | undefined>();
  const fontsOf =
    (resources: PdfDict | undefined) =>
    (name: string): FontText => {
      const font = doc.get(asDict(doc.get(resources, 'Font')), name);
      if (!isDict(font)) return PLAIN_FONT;
      let f = fonts.get(font);
      if (f === undefined) {
        f = fontText(doc, font, budget, cmaps);
        fonts.set(font, f);
      }
      return f;
    };

  const pages = pdfPages(doc, budget.limits.maxEntries);
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i] as (typeof pages)[number];
    const parts: Buffer[] = [];
    const name = `page ${i + 1}`;
    for (const c of page.contents) {
      // A stream shared by many pages is read once: otherwise its cost multiplies by the pages.
      if (c.stream === undefined || done.has(c.num)) continue;
      done.add(c.num);
      if (!budget.countEntry()) {
        yield entryLimitSkip(place);
        return;
      }
      const d = decodePdfStream(doc, c.stream, budget);
      if (d.kind === 'skip') {
        yield skip(name, d);
        if (budget.halted) return;
      } else if (d.kind === 'data') parts.push(d.data);
    }
    if (parts.length === 0) continue;
    // Streams of one page are one content stream split anywhere (PDF 32000-1, 7.8.2).
    const content = Buffer.concat(parts.flatMap((p) => [p, NEWLINE]));
    yield member(name, content);
    const shown = contentText(content, fontsOf(page.resources));
    if (shown.length > 0) yield member(`${name}!text`, text(shown));
    if (budget.halted) return;
  }

  for (const o of [...doc.objects.values()]) {
    if (o.stream === undefined || done.has(o.num)) continue;
    const dict = o.stream.dict;
    const type = nameOf(doc.get(dict, 'Type'));
    // A cross-reference stream holds offsets only.
    if (type === 'XRef' || nameOf(doc.get(dict, 'Subtype')) === 'Image') continue;
    if (!budget.countEntry()) {
      yield entryLimitSkip(place);
      return;
    }
    const d = decodePdfStream(doc, o.stream, budget);
    const name = `obj ${o.num}`;
    if (d.kind === 'skip') {
      yield skip(name, d);
      if (budget.halted) return;
      continue;
    }
    if (d.kind !== 'data') continue;
    // Not filtered: its bytes are the file's own, scanned already; only a form's text is new.
    if (d.filtered) yield member(name, d.data);
    if (nameOf(doc.get(dict, 'Subtype')) === 'Form') {
      const shown = contentText(d.data, fontsOf(asDict(doc.get(dict, 'Resources'))));
      if (shown.length > 0) yield member(`${name}!text`, text(shown));
    }
    if (budget.halted) return;
  }
}

const NEWLINE = Buffer.from('\n');

function text(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

function asDict(v: PdfValue | undefined): PdfDict | undefined {
  return isDict(v) ? v : undefined;
}

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  if (data.length > 0) yield data;
}

/**
 * The objects an object stream holds (PDF 32000-1, 7.5.7): N pairs of object number and offset,
 * then the objects from /First. They join the document unless the file defines them itself.
 */
function readObjectStream(doc: PdfDocument, o: PdfObject, data: Buffer): number[] {
  const dict = o.stream?.dict;
  const n = Math.min(
    MAX_STREAM_OBJECTS,
    Math.max(0, Math.floor(numberOf(doc.get(dict, 'N')) ?? 0)),
  );
  const first = Math.max(0, Math.floor(numberOf(doc.get(dict, 'First')) ?? 0));
  const header = new PdfParser(data, 0, Math.min(first, data.length));
  const entries: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const num = header.value();
    const offset = header.value();
    if (typeof num !== 'number' || typeof offset !== 'number') break;
    const at = first + offset;
    if (
      !Number.isInteger(num) ||
      num < 0 ||
      !Number.isInteger(at) ||
      at < first ||
      at >= data.length
    )
      continue;
    entries.push([num, at]);
  }
  // Each object is read within its own bytes, up to the next offset, and an offset named twice is
  // read once: hostile offsets (all pointing at one huge array) then cost one pass over the data.
  const starts = [...new Set(entries.map(([, at]) => at))].sort((a, b) => a - b);
  const values = new Map<number, PdfValue | undefined>();
  starts.forEach((at, i) => {
    values.set(at, new PdfParser(data, at, starts[i + 1] ?? data.length).value());
  });
  const nums: number[] = [];
  for (const [num, at] of entries) {
    const value = values.get(at);
    if (value === undefined) continue;
    doc.addCompressed(num, value, o.offset);
    nums.push(num);
  }
  return nums;
}
