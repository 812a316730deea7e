import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { everyFormat, expectNoLeak, planted } from '../helpers/adversarial.js';
import { fakePair } from '../helpers/fake-keys.js';
import { useTempRepos } from '../helpers/git-repo.js';
import { flateObject, pdfFile, streamObject, typedDocument } from '../helpers/pdf-writer.js';
import { pngChunk, pngWith, zTXt } from '../helpers/png-writer.js';
import { assertBuilt, runCli } from '../helpers/run-cli.js';

// Issue 10, "binary files are scanned, not skipped" and "fail closed": a key typed into a
// document that was exported to PDF sits in a compressed content stream as glyph ids of a subset
// font, and a key in a PNG's compressed text chunk is deflated; neither is in the raw bytes. Each
// must be found, or the run must exit 2 naming what it could not read. Files are built the way
// LibreOffice, Word and Chrome write them (see test/helpers/pdf-writer.ts), through the built CLI.

beforeAll(() => assertBuilt());
const tempRepo = useTempRepos();

interface Report {
  findings: { ruleId: string; path: string }[];
  skipped: { items: { path: string; reason: string; detail?: string }[] };
}
const json = (stdout: string): Report => JSON.parse(stdout) as Report;

const lines = (p: { id: string; secret: string }) => [
  'Deployment notes',
  `aws_access_key_id = ${p.id}`,
  `aws_secret_access_key = ${p.secret}`,
  'Rotate them monthly.',
];

describe('a key typed into a document exported to PDF', () => {
  it('is found in the page text, in every mode, plain or with object streams, and never leaks', () => {
    const r = tempRepo();
    const p = fakePair();
    const q = fakePair();
    r.write('docs/runbook.pdf', typedDocument(lines(p)));
    r.write('docs/packed.pdf', typedDocument(lines(q), { packed: true }));
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    const report = json(tree.stdout);
    expect(report.skipped.items).toEqual([]);
    expect(report.findings.map((f) => [f.ruleId, f.path]).sort()).toEqual([
      ['aws-access-key-pair', 'docs/packed.pdf!page 1!text'],
      ['aws-access-key-pair', 'docs/runbook.pdf!page 1!text'],
    ]);
    for (const { format, ran } of everyFormat((a) => r.keyguard(a), ['tree', 'docs'])) {
      expect(ran.code, format).toBe(1);
      expectNoLeak(ran, [p, q], `pdf as ${format}`);
    }
    const stdin = runCli(['stdin', '--path', 'in.pdf', '-f', 'json'], {
      input: typedDocument(lines(p)),
    });
    expect(stdin.code, stdin.stderr).toBe(1);
    expect(json(stdin.stdout).findings.map((f) => f.path)).toEqual(['in.pdf!page 1!text']);
    r.git('add', '.');
    const staged = r.keyguard(['staged', '-f', 'json']);
    expect(staged.code, staged.stderr).toBe(1);
    r.commitAll('docs');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(1);
    expect(
      json(history.stdout)
        .findings.map((f) => f.path)
        .sort(),
    ).toEqual(['docs/packed.pdf!page 1!text', 'docs/runbook.pdf!page 1!text']);
    expectNoLeak([stdin, staged, history], [p, q]);
  });

  it('a PDF inside a zip is opened too', async () => {
    const { zipBuffer } = await import('../helpers/archive-writers.js');
    const r = tempRepo();
    const p = fakePair();
    r.write('bundle.zip', zipBuffer([{ name: 'out/report.pdf', data: typedDocument(lines(p)) }]));
    const res = r.keyguard(['tree', '.', '-f', 'json']);
    expect(res.code, res.stderr).toBe(1);
    expect(json(res.stdout).findings.map((f) => f.path)).toEqual([
      'bundle.zip!out/report.pdf!page 1!text',
    ]);
  });

  it('a document with no key, and ordinary images: exit 0, nothing listed as unread', () => {
    const r = tempRepo();
    r.write('notes.pdf', typedDocument(['Meeting notes', 'Nothing secret here, only 12 words.']));
    r.write(
      'photo.pdf',
      pdfFile(
        [
          { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
          { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
          {
            num: 3,
            body: '<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
          },
          flateObject(4, '', 'q 100 0 0 100 0 0 cm /Im1 Do Q'),
          streamObject(
            5,
            '/Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode',
            Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
          ),
        ],
        '/Root 1 0 R',
      ),
    );
    r.write('logo.png', pngWith([pngChunk('tEXt', Buffer.from('Software\0an editor'))]));
    r.write('icon.png', pngWith([zTXt('Comment', 'made by hand')]));
    const res = r.keyguard(['tree', '.', '-f', 'json']);
    expect(res.code, res.stderr).toBe(0);
    expect(json(res.stdout).skipped.items).toEqual([]);
  });
});

describe('what a PDF or PNG holds that cannot be read exits 2 and is named', () => {
  it('an encrypted PDF, a filter not decoded, a Flate bomb; --allow-partial accepts them', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    r.write(
      'locked.pdf',
      pdfFile(
        [
          { num: 1, body: '<< /Type /Catalog >>' },
          { num: 2, body: '<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00> >>' },
          flateObject(3, '', 'ciphertext'),
        ],
        '/Root 1 0 R /Encrypt 2 0 R',
      ),
    );
    r.write(
      'odd.pdf',
      pdfFile(
        [
          { num: 1, body: '<< /Type /Catalog >>' },
          streamObject(2, '/Filter /JBIG3Decode', Buffer.from('x')),
        ],
        '/Root 1 0 R',
      ),
    );
    r.write(
      'bomb.pdf',
      pdfFile(
        [
          { num: 1, body: '<< /Type /Catalog >>' },
          streamObject(2, '/Filter /FlateDecode', deflateSync(Buffer.alloc(64 * 1024 * 1024))),
        ],
        '/Root 1 0 R',
      ),
    );
    // A key beside them is still found.
    r.write('app.env', text);
    const res = r.keyguard(['tree', '.', '-f', 'json']);
    expect(res.code, res.stderr).toBe(2);
    const report = json(res.stdout);
    expect(report.findings.map((f) => f.path)).toEqual(['app.env']);
    expect(report.skipped.items.map((s) => [s.path, s.reason]).sort()).toEqual([
      ['bomb.pdf!obj 2', 'archive-limit'],
      ['locked.pdf', 'archive-unreadable'],
      ['odd.pdf!obj 2', 'archive-unreadable'],
    ]);
    const human = r.keyguard(['tree', '.', '--verbose']);
    expect(human.code).toBe(2);
    expect(human.stdout + human.stderr).toContain('encrypted PDF');
    const partial = r.keyguard(['tree', '.', '--allow-partial']);
    expect(partial.code, partial.stderr).toBe(1);
    expectNoLeak([res, human, partial], [pair]);
  });

  it('a key in a PNG zTXt chunk is found; a corrupt one is listed', () => {
    const r = tempRepo();
    const p = fakePair();
    r.write(
      'shot.png',
      pngWith([zTXt('Comment', `aws_access_key_id=${p.id}\naws_secret_access_key=${p.secret}\n`)]),
    );
    const found = r.keyguard(['tree', 'shot.png', '-f', 'json']);
    expect(found.code, found.stderr).toBe(1);
    expect(json(found.stdout).findings.map((f) => [f.ruleId, f.path])).toEqual([
      ['aws-access-key-pair', 'shot.png!zTXt:Comment'],
    ]);
    expectNoLeak(found, [p]);
    r.write('broken.png', pngWith([zTXt('Comment', '', Buffer.from('garbage, not deflate'))]));
    const broken = r.keyguard(['tree', 'broken.png', '-f', 'json']);
    expect(broken.code, broken.stderr).toBe(2);
    expect(json(broken.stdout).skipped.items.map((s) => [s.path, s.reason])).toEqual([
      ['broken.png!zTXt:Comment', 'archive-unreadable'],
    ]);
  });
});
