// A small PDF writer for tests: documents are built at test time the way real producers write
// them (LibreOffice, Word and Chrome: Flate content streams, subset Type0 fonts with Identity-H
// encoding and a ToUnicode CMap, object streams), plus the hostile ones no producer would write.
// Written from PDF 32000-1; no binary fixtures.
import { deflateSync } from 'node:zlib';

/** One object: a dictionary (PDF syntax) and, for a stream, its (already encoded) data. */
export interface PdfObjectSpec {
  readonly num: number;
  readonly body: string;
  readonly data?: Buffer;
}

/** A stream object whose /Length is filled in. */
export function streamObject(num: number, dict: string, data: Buffer): PdfObjectSpec {
  return { num, body: `<< ${dict} /Length ${data.length} >>`, data };
}

/** A Flate-compressed stream object. */
export function flateObject(num: number, dict: string, data: Buffer | string): PdfObjectSpec {
  return streamObject(num, `${dict} /Filter /FlateDecode`, deflateSync(Buffer.from(data)));
}

/** Objects packed into one compressed object stream (PDF 1.5), as Word and pdfTeX do. */
export function objectStream(num: number, objects: readonly PdfObjectSpec[]): PdfObjectSpec {
  let header = '';
  let body = '';
  for (const o of objects) {
    header += `${o.num} ${body.length} `;
    body += `${o.body}\n`;
  }
  const data = `${header}\n${body}`;
  return flateObject(num, `/Type /ObjStm /N ${objects.length} /First ${header.length + 1}`, data);
}

/** The file: header, objects, an xref table and a trailer (its dictionary body given). */
export function pdfFile(objects: readonly PdfObjectSpec[], trailer: string): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0]?.length ?? 0;
  const offsets: [number, number][] = [];
  for (const o of objects) {
    offsets.push([o.num, size]);
    const pieces: Buffer[] = [Buffer.from(`${o.num} 0 obj\n${o.body}\n`, 'latin1')];
    if (o.data !== undefined)
      pieces.push(Buffer.from('stream\n'), o.data, Buffer.from('\nendstream\n'));
    pieces.push(Buffer.from('endobj\n'));
    for (const p of pieces) {
      parts.push(p);
      size += p.length;
    }
  }
  const max = Math.max(0, ...objects.map((o) => o.num));
  let xref = `xref\n0 ${max + 1}\n0000000000 65535 f \n`;
  const at = new Map(offsets);
  for (let n = 1; n <= max; n++) {
    const off = at.get(n);
    xref +=
      off === undefined ? '0000000000 65535 f \n' : `${String(off).padStart(10, '0')} 00000 n \n`;
  }
  parts.push(
    Buffer.from(`${xref}trailer\n<< /Size ${max + 1} ${trailer} >>\nstartxref\n${size}\n%%EOF\n`),
  );
  return Buffer.concat(parts);
}

/**
 * A subset font's glyph numbering, as producers make it: glyph ids in order of first use,
 * starting past the ASCII range so no glyph id equals its character's code.
 */
export class SubsetFont {
  readonly #gids = new Map<string, number>();
  readonly #first: number;

  constructor(first = 0x0103) {
    this.#first = first;
  }

  /** The 2-byte glyph codes of `text`, as hex. */
  hex(text: string): string {
    let out = '';
    for (const ch of text) {
      let gid = this.#gids.get(ch);
      if (gid === undefined) {
        gid = this.#first + this.#gids.size * 3;
        this.#gids.set(ch, gid);
      }
      out += gid.toString(16).padStart(4, '0');
    }
    return out;
  }

  /** The ToUnicode CMap of every glyph used so far: bfchar lines, and one bfrange for the rest. */
  toUnicode(): string {
    const entries = [...this.#gids].map(([ch, gid]) => {
      const u = Buffer.from(ch, 'utf16le').swap16().toString('hex');
      return `<${gid.toString(16).padStart(4, '0')}> <${u}>`;
    });
    const half = Math.ceil(entries.length / 2);
    const chars = entries.slice(0, half);
    // The rest as one-glyph ranges, the other form real CMaps use.
    const ranges = entries.slice(half).map((e) => {
      const [src, dst] = e.split(' ');
      return `${src} ${src} ${dst}`;
    });
    return [
      '/CIDInit /ProcSet findresource begin',
      '12 dict begin',
      'begincmap',
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
      '/CMapName /Adobe-Identity-UCS def',
      '/CMapType 2 def',
      '1 begincodespacerange',
      '<0000> <FFFF>',
      'endcodespacerange',
      `${chars.length} beginbfchar`,
      ...chars,
      'endbfchar',
      `${ranges.length} beginbfrange`,
      ...ranges,
      'endbfrange',
      'endcmap',
      'CMapName currentdict /CMap defineresource pop',
      'end',
      'end',
    ].join('\n');
  }
}

/**
 * A one-page document as LibreOffice and Word export one: a Flate content stream showing `lines`
 * (one TJ per line, kerning inside words) in a subset Identity-H font with a ToUnicode CMap, the
 * font and page objects in an object stream when `packed`.
 */
export function typedDocument(
  lines: readonly string[],
  options: { packed?: boolean } = {},
): Buffer {
  const font = new SubsetFont();
  const content: string[] = ['q 0.1 0 0 0.1 0 0 cm', 'BT', '/F1 11 Tf', '56.8 780 Td', '14 TL'];
  lines.forEach((line, i) => {
    const words = line.split(' ');
    const shown = words.map((w) => kernedPieces(font, w)).join(' -278 ');
    content.push(`${i === 0 ? '' : 'T* '}[${shown}] TJ`);
  });
  content.push('ET', 'Q');
  const cmap = font.toUnicode();
  const dicts: PdfObjectSpec[] = [
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    {
      num: 3,
      body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    },
    {
      num: 5,
      body: '<< /Type /Font /Subtype /Type0 /BaseFont /BAAAAA+LiberationSerif /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>',
    },
    {
      num: 6,
      body: '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /BAAAAA+LiberationSerif /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>',
    },
  ];
  const streams = [flateObject(4, '', content.join('\n')), flateObject(7, '', cmap)];
  const objects =
    options.packed === true ? [objectStream(8, dicts), ...streams] : [...dicts, ...streams];
  return pdfFile(objects, '/Root 1 0 R');
}

/** One word's glyphs in pieces of three with small kerning between, as `<…>-12<…>7<…>`. */
function kernedPieces(font: SubsetFont, word: string): string {
  const chars = [...word];
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += 3)
    pieces.push(`<${font.hex(chars.slice(i, i + 3).join(''))}>`);
  return pieces.map((p, i) => (i === 0 ? p : `${i % 2 === 0 ? '-12' : '7'}${p}`)).join('');
}
