import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type ArchiveLimits,
  expandArchive,
  sniffArchive,
} from '../../../src/sources/archive/index.js';
import { zipBuffer } from '../../helpers/archive-writers.js';
import { collectArchive, countArchive, entriesOf, skipsOf } from '../../helpers/collect-archive.js';
import { cpuClock } from '../../helpers/cpu-time.js';
import { fakePair } from '../../helpers/fake-keys.js';
import { flateObject, pdfFile, streamObject, typedDocument } from '../../helpers/pdf-writer.js';

function expand(data: Buffer, limits: Partial<ArchiveLimits> = {}) {
  const format = sniffArchive(data.subarray(0, 512));
  if (format === undefined) throw new Error('not a container');
  return collectArchive(
    expandArchive(format, { kind: 'buffer', data }, { name: 'doc.pdf', limits }),
  );
}

const textOf = (items: Awaited<ReturnType<typeof expand>>, path: string): string =>
  entriesOf(items).find((e) => e.path === path)?.text ?? '';

/** A one-page PDF whose page shows `content` (uncompressed) with font F1 given as `font`. */
function pageWith(content: Buffer | string, extra: { font?: string; filter?: string } = {}) {
  const data = Buffer.from(content);
  return pdfFile(
    [
      { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
      { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
      {
        num: 3,
        body: `<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 ${extra.font ?? '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'} >> >> /Contents 4 0 R >>`,
      },
      streamObject(4, extra.filter === undefined ? '' : `/Filter ${extra.filter}`, data),
    ],
    '/Root 1 0 R',
  );
}

describe('PDF: text as real producers write it', () => {
  it('sniffs %PDF- at the very start only', () => {
    expect(sniffArchive(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(sniffArchive(Buffer.from('see %PDF-1.7\n'))).toBeUndefined();
    expect(sniffArchive(Buffer.from('%PDF-x'))).toBeUndefined();
  });

  it('a subset Identity-H font with a ToUnicode CMap, kerning inside words: the typed lines come back', async () => {
    const p = fakePair();
    const lines = [
      'Deploy notes',
      `aws_access_key_id = ${p.id}`,
      `aws_secret_access_key = ${p.secret}`,
    ];
    for (const packed of [false, true]) {
      const pdf = typedDocument(lines, { packed });
      // The glyph ids are not the characters: the raw and inflated bytes do not hold the key.
      expect(pdf.includes(p.id)).toBe(false);
      const items = await expand(pdf);
      expect(skipsOf(items), `packed ${packed}`).toEqual([]);
      expect(textOf(items, 'page 1!text'), `packed ${packed}`).toBe(lines.join('\n'));
      expect(entriesOf(items).some((e) => e.text.includes(p.id) && e.path !== 'page 1!text')).toBe(
        false,
      );
    }
  });

  it('literal strings with escapes, octal, line continuation; hex strings; Tj, TJ, \' and "', async () => {
    const content = [
      'BT /F1 12 Tf 72 700 Td',
      '(a\\(b\\)c\\\\d\\101\\102\\103) Tj',
      '0 -14 Td (split\\',
      'line) Tj',
      '0 -14 Td <414B4941> Tj',
      "(quote) '",
      '1 2 (dquote) "',
      '0 -14 Td [(ke) -20 (rned) -400 (word)] TJ',
      'ET',
    ].join('\n');
    const items = await expand(pageWith(content));
    expect(textOf(items, 'page 1!text')).toBe(
      'a(b)c\\dABC\nsplitline\nAKIA\nquote\ndquote\nkerned word',
    );
  });

  it('a Flate content stream with a literal string: the inflated stream and its text are scanned', async () => {
    const p = fakePair();
    const pdf = pageWith(deflateSync(Buffer.from(`BT /F1 9 Tf 10 10 Td (${p.id}) Tj ET`)), {
      filter: '/FlateDecode',
    });
    const items = await expand(pdf);
    expect(skipsOf(items)).toEqual([]);
    expect(textOf(items, 'page 1')).toContain(`(${p.id})`);
    expect(textOf(items, 'page 1!text')).toBe(p.id);
  });

  it('filter chains: ASCII85 then Flate, ASCIIHex, RunLength, LZW decode; DecodeParms does not break them', async () => {
    const p = fakePair();
    const body = `BT /F1 9 Tf (${p.id}) Tj ET`;
    const hex = `${Buffer.from(body).toString('hex')}>`;
    const items = await expand(pageWith(hex, { filter: '/ASCIIHexDecode' }));
    expect(textOf(items, 'page 1!text')).toBe(p.id);
    const a85 = ascii85(deflateSync(Buffer.from(body)));
    const chained = await expand(
      pageWith(a85, {
        filter: '[/ASCII85Decode /FlateDecode] /DecodeParms [null << /Predictor 1 >>]',
      }),
    );
    expect(textOf(chained, 'page 1!text')).toBe(p.id);
    const rl = Buffer.concat([
      Buffer.from([body.length - 1]),
      Buffer.from(body),
      Buffer.from([128]),
    ]);
    expect(textOf(await expand(pageWith(rl, { filter: '/RunLengthDecode' })), 'page 1!text')).toBe(
      p.id,
    );
    expect(
      textOf(
        await expand(pageWith(lzwEncode(Buffer.from(body)), { filter: '/LZWDecode' })),
        'page 1!text',
      ),
    ).toBe(p.id);
  });

  it('a simple font with /Differences glyph names (pdfTeX Type 1): mapped through the names', async () => {
    const font =
      '<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+CMR10 /Encoding << /Type /Encoding /Differences [1 /A /K /I /A /one /underscore] >> >>';
    const items = await expand(pageWith('BT /F1 10 Tf <010203040506> Tj ET', { font }));
    expect(textOf(items, 'page 1!text')).toBe('AKIA1_');
  });

  it('document strings: a UTF-16 title and a form field value are text', async () => {
    const p = fakePair();
    const title = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(p.id, 'utf16le').swap16()]);
    const pdf = pdfFile(
      [
        { num: 1, body: '<< /Type /Catalog >>' },
        { num: 2, body: `<< /Title <${title.toString('hex')}> >>` },
        { num: 3, body: `<< /FT /Tx /V (${p.secret}) >>` },
      ],
      '/Root 1 0 R /Info 2 0 R',
    );
    const strings = textOf(await expand(pdf), 'strings');
    expect(strings).toContain(p.id);
    expect(strings).toContain(p.secret);
  });

  it('an embedded file (a zip attached to the PDF) is opened as a container in turn', async () => {
    const p = fakePair();
    const zip = zipBuffer([{ name: '.env', data: Buffer.from(`AWS_ACCESS_KEY_ID=${p.id}\n`) }]);
    const pdf = pdfFile(
      [{ num: 1, body: '<< /Type /Catalog >>' }, flateObject(2, '/Type /EmbeddedFile', zip)],
      '/Root 1 0 R',
    );
    const items = await expand(pdf);
    expect(textOf(items, 'obj 2!.env')).toContain(p.id);
  });

  it('images are not text: DCT and JPX streams are neither decoded nor listed', async () => {
    const pdf = pdfFile(
      [
        { num: 1, body: '<< /Type /Catalog >>' },
        streamObject(
          2,
          '/Type /XObject /Subtype /Image /Filter /DCTDecode',
          Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
        ),
        streamObject(3, '/Filter [/FlateDecode /JPXDecode]', Buffer.from('x')),
        flateObject(4, '/Type /XObject /Subtype /Image /Width 1 /Height 1', Buffer.alloc(3)),
      ],
      '/Root 1 0 R',
    );
    expect(await expand(pdf)).toEqual([]);
  });
});

describe('PDF: what cannot be read is listed', () => {
  it('an encrypted PDF: one skip for the file, nothing else', async () => {
    const pdf = pdfFile(
      [
        { num: 1, body: '<< /Type /Catalog >>' },
        { num: 2, body: '<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00> >>' },
        flateObject(3, '', 'x'),
      ],
      '/Root 1 0 R /Encrypt 2 0 R /ID [<00><00>]',
    );
    expect(await expand(pdf)).toEqual([
      {
        kind: 'skipped',
        path: '',
        reason: 'archive-unreadable',
        detail: expect.stringContaining('encrypted PDF'),
      },
    ]);
  });

  it('a trailer inside stream data, or an /Encrypt that points nowhere, is not encryption', async () => {
    const pdf = pdfFile(
      [
        { num: 1, body: '<< /Type /Catalog >>' },
        streamObject(2, '', Buffer.from('trailer << /Encrypt << /Filter /Standard >> >>')),
      ],
      '/Root 1 0 R /Encrypt 9 0 R',
    );
    expect(skipsOf(await expand(pdf))).toEqual([]);
  });

  it('a filter not decoded (or made up), a stream that does not inflate: one skip each, named by object', async () => {
    const pdf = pdfFile(
      [
        { num: 1, body: '<< /Type /Catalog >>' },
        streamObject(2, '/Filter /JBIG3Decode', Buffer.from('abc')),
        streamObject(3, '/Filter /FlateDecode', Buffer.from('not deflate at all')),
        streamObject(4, '/Filter /Crypt /DecodeParms << /Name /StdCF >>', Buffer.from('abc')),
      ],
      '/Root 1 0 R',
    );
    const skips = skipsOf(await expand(pdf));
    expect(skips.map((s) => [s.path, s.reason])).toEqual([
      ['obj 2', 'archive-unreadable'],
      ['obj 3', 'archive-unreadable'],
      ['obj 4', 'archive-unreadable'],
    ]);
    expect(skips[0]?.detail).toContain('JBIG3Decode');
  });

  it('a Flate bomb: stopped at the ratio limit, listed, memory bounded', async () => {
    const bomb = deflateSync(Buffer.alloc(16 * 1024 * 1024));
    const pdf = pageWith(bomb, { filter: '/FlateDecode' });
    const items = await countArchive(
      expandArchive(
        'pdf',
        { kind: 'buffer', data: pdf },
        { limits: { ratioFloorBytes: 1024 * 1024 } },
      ),
    );
    expect(skipsOf(items).map((s) => [s.path, s.reason])).toEqual([['page 1', 'archive-limit']]);
    expect(skipsOf(items)[0]?.detail).toContain('ratio');
  });

  it('the total limit halts the file: the rest of its streams are not decoded', async () => {
    const objects = [{ num: 1, body: '<< /Type /Catalog >>' }];
    for (let i = 2; i < 40; i++) objects.push(flateObject(i, '', Buffer.alloc(100_000, 0x61)));
    const items = await countArchive(
      expandArchive(
        'pdf',
        { kind: 'buffer', data: pdfFile(objects, '/Root 1 0 R') },
        { limits: { maxTotalBytes: 1_000_000 } },
      ),
    );
    const skips = skipsOf(items);
    expect(skips).toHaveLength(1);
    expect(skips[0]?.reason).toBe('archive-limit');
    expect(entriesOf(items).length).toBeLessThan(11);
  });
});

describe('PDF: hostile structure costs bounded time and never throws', () => {
  it('thousands of tiny streams stop at the entry limit', async () => {
    const objects = [{ num: 1, body: '<< /Type /Catalog >>' }];
    for (let i = 2; i < 3000; i++) objects.push(flateObject(i, '', 'x'));
    const items = await countArchive(
      expandArchive(
        'pdf',
        { kind: 'buffer', data: pdfFile(objects, '/Root 1 0 R') },
        { limits: { maxEntries: 500 } },
      ),
    );
    expect(skipsOf(items).map((s) => s.reason)).toEqual(['archive-limit']);
  });

  it('reference loops, a page tree that loops, deep nesting, a huge CMap range, garbage xref', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const cmap =
      '1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <0041> endbfrange 1 beginbfrange <00000000> <FFFFFFFF> [<0042>] endbfrange';
    const pdf = pdfFile(
      [
        { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
        { num: 2, body: '<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R] /Count 1 /Resources 9 0 R >>' },
        { num: 3, body: '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>' },
        streamObject(4, '', Buffer.from(`BT /F1 1 Tf <00010002> Tj ${deep} ET`)),
        {
          num: 5,
          body: '<< /Type /Font /Subtype /Type0 /Encoding /Identity-H /ToUnicode 6 0 R >>',
        },
        streamObject(6, '', Buffer.from(cmap)),
        { num: 7, body: '8 0 R' },
        { num: 8, body: '7 0 R' },
        { num: 9, body: '<< /Font << /F1 5 0 R >> /Loop 7 0 R >>' },
      ],
      '/Root 1 0 R /Size 7 0 R',
    );
    const broken = Buffer.concat([
      pdf,
      Buffer.from('xref\n0 999999999\ngarbage\ntrailer << /Root 7 0 R >>\n'),
    ]);
    const items = await expand(broken);
    expect(skipsOf(items)).toEqual([]);
    // A range's codes count up from its first text: 0001 and 0002 are B and C.
    expect(textOf(items, 'page 1!text')).toBe('BC');
  });

  it('truncated and random bytes after the header: no exception', async () => {
    const pdf = typedDocument(['hello world']);
    for (const cut of [10, 100, 300, 600, pdf.length - 40]) {
      await expand(pdf.subarray(0, cut));
    }
    let seed = 7;
    const random = Buffer.alloc(200_000);
    for (let i = 0; i < random.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      random[i] = seed >> 16;
    }
    const noisy = Buffer.concat([
      Buffer.from('%PDF-1.4\n1 0 obj << /Length 5 >> stream\n'),
      random,
      Buffer.from('(((<<[[ 1 0 obj'),
    ]);
    await expand(noisy);
  });
});

function ascii85(data: Buffer): string {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const chunk = Buffer.alloc(4);
    data.copy(chunk, 0, i, i + 4);
    let v = chunk.readUInt32BE(0);
    const n = Math.min(4, data.length - i);
    const digits: string[] = [];
    for (let j = 0; j < 5; j++) {
      digits.unshift(String.fromCharCode(0x21 + (v % 85)));
      v = Math.floor(v / 85);
    }
    out += digits.slice(0, n + 1).join('');
  }
  return `${out}~>`;
}

/** LZW with 9-bit codes only (short input): clear, literal codes, end. Enough for a decoder test. */
function lzwEncode(data: Buffer): Buffer {
  const codes = [256, ...data, 257];
  let bits = '';
  for (const c of codes) bits += c.toString(2).padStart(9, '0');
  while (bits.length % 8 !== 0) bits += '0';
  const out = Buffer.alloc(bits.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  return out;
}

describe('PDF: work stays linear whatever the structure claims', () => {
  it('an unclosed trailer repeated, object-stream offsets all at one huge array, one content stream on every page', async () => {
    // Each would cost its size times its count if read naively: a few seconds here means linear.
    const trailers = Buffer.from('trailer << /A [ '.repeat(20_000));
    const items = 'AKIA '.repeat(50_000);
    let header = '';
    for (let i = 0; i < 5000; i++) header += `${10 + i} 0 `;
    const packed = flateObject(
      3,
      `/Type /ObjStm /N 5000 /First ${header.length + 1}`,
      `${header}\n[ ${items} (s) ]`,
    );
    const kids: string[] = [];
    const pages: { num: number; body: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      kids.push(`${20_000 + i} 0 R`);
      pages.push({
        num: 20_000 + i,
        body: '<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>',
      });
    }
    const content = streamObject(4, '', Buffer.from(`BT ${'(word) Tj '.repeat(20_000)} ET`));
    const pdf = Buffer.concat([
      pdfFile(
        [
          { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
          { num: 2, body: `<< /Type /Pages /Kids [${kids.join(' ')}] /Count 3000 >>` },
          packed,
          content,
          ...pages,
        ],
        '/Root 1 0 R',
      ),
      trailers,
    ]);
    const elapsed = cpuClock();
    const out = await countArchive(expandArchive('pdf', { kind: 'buffer', data: pdf }));
    // CPU time, so a loaded machine does not matter: the quadratic forms take minutes.
    expect(elapsed()).toBeLessThan(30_000);
    expect(skipsOf(out)).toEqual([]);
    // The shared content stream is read once, for the first page that shows it.
    expect(
      entriesOf(out)
        .filter((e) => e.path.startsWith('page'))
        .map((e) => e.path),
    ).toEqual(['page 1', 'page 1!text']);
    const strings = entriesOf(out).find((e) => e.path === 'obj 3!strings');
    expect(strings?.bytes).toBe(1);
  }, 60_000);
});
