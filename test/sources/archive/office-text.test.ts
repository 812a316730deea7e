import { describe, expect, it } from 'vitest';
import { expandArchive } from '../../../src/sources/archive/index.js';
import { isOfficeTextPart, officeText } from '../../../src/sources/archive/office-text.js';
import { zipBuffer } from '../../helpers/archive-writers.js';
import { collectArchive } from '../../helpers/collect-archive.js';

async function textOf(xml: string, pieceSize = 1): Promise<string> {
  const data = Buffer.from(xml, 'utf8');
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let at = 0; at < data.length; at += pieceSize) yield data.subarray(at, at + pieceSize);
  }
  const out: Buffer[] = [];
  for await (const piece of officeText(pieces())) out.push(Buffer.from(piece));
  return Buffer.concat(out).toString('utf8');
}

const word = (body: string): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:document xmlns:w="urn:w"><w:body>${body}</w:body></w:document>`;

describe('officeText: the text a reader sees in an Office part', () => {
  it('joins the runs of a paragraph and ends paragraphs with a line feed', async () => {
    const xml = word(
      '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>ab</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve">cd </w:t></w:r></w:p><w:p><w:r><w:t>ef</w:t></w:r></w:p>',
    );
    // Byte by byte and all at once give the same text: no state is lost between pieces.
    expect(await textOf(xml, 1)).toBe('abcd \nef\n');
    expect(await textOf(xml, 1 << 20)).toBe('abcd \nef\n');
  });

  it('turns breaks, tabs and table cells into whitespace, and decodes entities', async () => {
    const xml = word(
      '<w:p><w:r><w:t>a</w:t><w:br/><w:t>b</w:t><w:tab/><w:t>&lt;c&gt;&amp;&#65;&#x42;&quot;&apos;</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>y</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    );
    expect(await textOf(xml, 3)).toBe('a\nb\t<c>&AB"\'\nx\n\ty\n\t\n');
  });

  it('keeps CDATA text, drops comments and processing instructions, and copies broken entities', async () => {
    const xml =
      '<?pi x="<p>"?><r><!-- <t>hidden</t> --><t><![CDATA[a]b]]c]]></t><t>&unknown; & &#xZZ; &#1;</t><t a=">">z</t></r>';
    expect(await textOf(xml, 2)).toBe('a]b]]c&unknown; & &#xZZ; &#1;z');
  });

  it('never writes more than it reads, whatever the input', async () => {
    const hostile = `${'<w:br/>'.repeat(1000)}${'&#x10FFFF;'.repeat(100)}${'<'.repeat(500)}&aaaaaaaaaaaaaaaaaaaaaaaaaaaa`;
    const out = await textOf(hostile, 7);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(Buffer.byteLength(hostile));
    expect(out.startsWith('\n'.repeat(1000))).toBe(true);
  });

  it('reads the parts that hold text, not themes or styles', () => {
    for (const name of [
      'word/document.xml',
      'word/header1.xml',
      'word/footnotes.xml',
      'word/comments.xml',
      'xl/sharedStrings.xml',
      'xl/worksheets/sheet1.xml',
      'ppt/slides/slide3.xml',
      'ppt/notesSlides/notesSlide1.xml',
      'content.xml',
      'styles.xml',
    ]) {
      expect(isOfficeTextPart(name), name).toBe(true);
    }
    for (const name of [
      'word/theme/theme1.xml',
      'word/styles.xml',
      'docProps/app.xml',
      'a/content.xml',
      'word/media/x.png',
      'word/document.xml.bak',
    ]) {
      expect(isOfficeTextPart(name), name).toBe(false);
    }
  });
});

describe('expandArchive: Office parts are read twice, as XML and as text', () => {
  it('yields part.xml!text after the part, for zips only', async () => {
    const xml = word('<w:p><w:r><w:t>AB</w:t></w:r><w:r><w:t>CD</w:t></w:r></w:p>');
    const docx = zipBuffer([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'word/document.xml', data: Buffer.from(xml) },
      { name: 'word/theme/theme1.xml', data: Buffer.from('<a:theme/>') },
    ]);
    const items = await collectArchive(expandArchive('zip', { kind: 'buffer', data: docx }));
    expect(items.map((i) => i.path)).toEqual([
      '[Content_Types].xml',
      'word/document.xml',
      'word/document.xml!text',
      'word/theme/theme1.xml',
    ]);
    const view = items[2];
    expect(view?.kind === 'entry' ? view.text : undefined).toBe('ABCD\n');
  });

  it('counts the second read against the file budget: a bomb named like a part is still bounded', async () => {
    const big = Buffer.from(`<w:p>${'<w:t>x</w:t>'.repeat(400_000)}</w:p>`);
    const docx = zipBuffer([{ name: 'word/document.xml', data: big }]);
    const items = await collectArchive(
      expandArchive(
        'zip',
        { kind: 'buffer', data: docx },
        { limits: { maxTotalBytes: big.length + 10 } },
      ),
    );
    expect(items.map((i) => [i.path, i.kind])).toEqual([
      ['word/document.xml', 'entry'],
      ['word/document.xml!text', 'entry'],
      ['word/document.xml!text', 'skipped'],
    ]);
  });
});
