import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  deflatedZeros,
  gzipBuffer,
  paxRecord,
  streamedZipBuffer,
  tarBuffer,
  tarRecord,
  zeroSizesListed,
  zipBuffer,
} from '../helpers/archive-writers.js';
import { type FakePair, fakePair, leaks } from '../helpers/fake-keys.js';
import { useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

interface Report {
  findings: { ruleId: string; path: string; line: number; redacted: string }[];
  skipped: { items: { path: string; reason: string; detail?: string }[] };
  incomplete?: { unread: number; accepted: boolean };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => assertBuilt());
const repo = useTempRepos();

function folder(files: Record<string, Buffer | string>): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(t.path, name)), { recursive: true });
    writeFileSync(join(t.path, name), data);
  }
  return t.path;
}

/** Where the report found key pairs, sorted. */
function pairPaths(report: Report): string[] {
  return report.findings
    .filter((f) => f.ruleId === 'aws-access-key-pair')
    .map((f) => f.path)
    .sort();
}

function creds(p: FakePair): Buffer {
  return Buffer.from(
    `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`,
  );
}

function scan(dir: string, ...extra: string[]) {
  const r = runCli(['tree', dir, '-f', 'json', ...extra]);
  return { ...r, report: JSON.parse(r.stdout) as Report };
}

describe('archives and compressed files are opened, whatever their names', () => {
  it('finds keys inside zip, jar-in-zip, tar, tgz and gz, named archive!entry, once each', () => {
    const a = fakePair();
    const b = fakePair();
    const c = fakePair();
    const d = fakePair();
    const e = fakePair();
    const jar = zipBuffer([{ name: 'config/prod.properties', data: creds(b) }]);
    const dir = folder({
      'release.zip': zipBuffer([
        { name: 'app/.env', data: creds(a) },
        { name: 'lib/x.jar', data: jar },
      ]),
      'backup.tgz': gzipBuffer(tarBuffer([{ name: 'etc/aws/credentials', data: creds(c) }])),
      'logs/app.log.gz': gzipBuffer(creds(d)),
      // A stored (uncompressed) entry: its raw bytes hold the key too, but it is reported once.
      'stored.zip': zipBuffer([{ name: 'k.ini', data: creds(e), method: 0 }]),
      // Renamed: still a zip.
      'photo.jpg': zipBuffer([{ name: 'hidden.txt', data: Buffer.from('nothing here') }]),
    });
    const { code, report, stdout, stderr } = scan(dir);
    expect(code, stderr).toBe(1);
    const pairs = pairPaths(report);
    expect(pairs).toEqual([
      'backup.tgz!backup.tar!etc/aws/credentials',
      'logs/app.log.gz!app.log',
      'release.zip!app/.env',
      'release.zip!lib/x.jar!config/prod.properties',
      'stored.zip!k.ini',
    ]);
    expect(report.incomplete).toBeUndefined();
    expect(leaks(stdout, [a, b, c, d, e])).toEqual([]);
  });

  it("reports a key ID in a zip comment that differs from an entry's, even when the entry's is marked", () => {
    const inEntry = fakePair().id;
    const inComment = fakePair().id;
    const comment = Buffer.from(`deploy key: ${inComment}\n`);
    const shown = (report: Report) => report.findings.map((f) => `${f.path} ${f.redacted}`).sort();
    const redacted = (id: string) => `${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`;
    const plain = scan(
      folder({
        'plain.zip': zipBuffer([{ name: 't.env', data: Buffer.from(`id = ${inEntry}\n`) }], {
          comment,
        }),
      }),
    );
    expect(plain.code, plain.stderr).toBe(1);
    expect(shown(plain.report)).toEqual([
      `plain.zip ${redacted(inComment)}`,
      `plain.zip!t.env ${redacted(inEntry)}`,
    ]);
    const marked = scan(
      folder({
        'marked.zip': zipBuffer(
          [{ name: 't.env', data: Buffer.from(`id = ${inEntry} # keyguard:allow\n`) }],
          { comment },
        ),
      }),
    );
    expect(marked.code, marked.stderr).toBe(1);
    expect(shown(marked.report)).toEqual([`marked.zip ${redacted(inComment)}`]);
    const out = plain.stdout + marked.stdout;
    for (const raw of [inEntry, inComment, 'valueRef']) expect(out).not.toContain(raw);
  });

  it('reports the same key once when an entry and the raw bytes both hold it', () => {
    const p = fakePair();
    const { code, report, stderr } = scan(
      folder({
        // Stored: the raw bytes hold the entry's pair as it is. Deflated: the comment repeats its key ID.
        'stored.zip': zipBuffer([{ name: 'k.ini', data: creds(p), method: 0 }]),
        'commented.zip': zipBuffer([{ name: 'k.ini', data: Buffer.from(`id = ${p.id}\n`) }], {
          comment: Buffer.from(`id = ${p.id}\n`),
        }),
        'a.tar': tarBuffer([{ name: 'k.ini', data: creds(p) }]),
      }),
    );
    expect(code, stderr).toBe(1);
    expect(report.findings.map((f) => `${f.path} ${f.ruleId}`).sort()).toEqual([
      'a.tar!k.ini aws-access-key-pair',
      'commented.zip!k.ini aws-access-key-id',
      'stored.zip!k.ini aws-access-key-pair',
    ]);
  });

  it('a bomb is stopped and listed, and makes the scan incomplete (exit 2) unless accepted', () => {
    const p = fakePair();
    const dir = folder({
      'bomb.zip': zipBuffer([
        { name: 'first.env', data: creds(p) },
        {
          name: 'zeros.bin',
          stored: deflatedZeros(2048),
          declaredSize: 2048 * 1024 * 1024,
          data: Buffer.alloc(0),
        },
      ]),
    });
    const started = Date.now();
    const { code, report, stderr } = scan(dir);
    // A generous ceiling that still fails when the 2 GiB are inflated.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/incomplete scan/);
    expect(report.skipped.items).toEqual([
      expect.objectContaining({ path: 'bomb.zip!zeros.bin', reason: 'archive-limit' }),
    ]);
    // What could be read was still scanned and reported.
    expect(report.findings.map((f) => f.path)).toContain('bomb.zip!first.env');
    const accepted = scan(dir, '--allow-partial');
    expect(accepted.code).toBe(1);
    expect(accepted.report.incomplete).toEqual(expect.objectContaining({ accepted: true }));
  });

  it('a corrupt archive is listed as unreadable (exit 2), and its raw bytes are still scanned', () => {
    const p = fakePair();
    const zip = zipBuffer([{ name: 'a.txt', data: Buffer.alloc(4000, 'x') }]);
    // Cut the central directory off, then append a key in plain text after the damage.
    const damaged = Buffer.concat([zip.subarray(0, 60), Buffer.from(`\n${p.id}\n`)]);
    const { code, report } = scan(folder({ 'broken.zip': damaged }));
    expect(code).toBe(2);
    expect(report.skipped.items.map((s) => s.reason)).toContain('archive-unreadable');
    expect(report.findings.map((f) => f.path)).toContain('broken.zip');
  });

  it('opens archives on standard input, in the pre-commit gate and in history', () => {
    const p = fakePair();
    const zip = zipBuffer([{ name: 'deploy/keys.env', data: creds(p) }]);
    const piped = runCli(['stdin', '-f', 'json'], { input: gzipBuffer(zip) });
    expect(piped.code, piped.stderr).toBe(1);
    const stdinPaths = (JSON.parse(piped.stdout) as Report).findings.map((f) => f.path);
    expect(stdinPaths).toContain('<stdin>!<stdin>!deploy/keys.env');

    const r = repo();
    r.write('artifacts/bundle.zip', zip);
    r.git('add', '.');
    const staged = runCli(['staged', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(staged.code, staged.stderr).toBe(1);
    expect((JSON.parse(staged.stdout) as Report).findings.map((f) => f.path)).toContain(
      'artifacts/bundle.zip!deploy/keys.env',
    );
    r.commitAll('add bundle');
    const history = runCli(['history', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(history.code, history.stderr).toBe(1);
    expect((JSON.parse(history.stdout) as Report).findings.map((f) => f.path)).toContain(
      'artifacts/bundle.zip!deploy/keys.env',
    );
  });

  it('finds a key the editor cut into runs in Word, Excel, PowerPoint and OpenDocument files', () => {
    const [w, x, pp, o] = [fakePair(), fakePair(), fakePair(), fakePair()];
    // How editors store text typed in several sittings: each piece its own run.
    const runs = (v: string, tag: string) =>
      [v.slice(0, 5), v.slice(5, 13), v.slice(13)]
        .map((piece) => `<${tag}>${piece}</${tag}>`)
        .join('<w:proofErr w:type="spellEnd"/>');
    const docx = zipBuffer([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      {
        name: 'word/document.xml',
        data: Buffer.from(
          `<?xml version="1.0"?>\r\n<w:document><w:body>\n  <w:p><w:r><w:t xml:space="preserve">Access key: </w:t></w:r><w:r>${runs(w.id, 'w:t')}</w:r></w:p>\n  <w:p><w:r><w:t>Secret key: </w:t></w:r><w:r>${runs(w.secret, 'w:t')}</w:r></w:p></w:body></w:document>`,
        ),
      },
    ]);
    const xlsx = zipBuffer([
      {
        name: 'xl/sharedStrings.xml',
        data: Buffer.from(
          `<sst><si><r><t>aws_access_key_id=</t></r><r>${runs(x.id, 't')}</r></si><si><r><t>aws_secret_access_key=</t></r><r>${runs(x.secret, 't')}</r></si></sst>`,
        ),
      },
    ]);
    const pptx = zipBuffer([
      {
        name: 'ppt/slides/slide2.xml',
        data: Buffer.from(
          `<p:sld><a:p><a:r><a:t>AWS_ACCESS_KEY_ID </a:t></a:r><a:r>${runs(pp.id, 'a:t')}</a:r></a:p><a:p><a:r><a:t>AWS_SECRET_ACCESS_KEY </a:t></a:r>${runs(pp.secret, 'a:t')}</a:p></p:sld>`,
        ),
      },
    ]);
    const odt = zipBuffer([
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.text'), method: 0 },
      {
        name: 'content.xml',
        data: Buffer.from(
          `<office:document-content><text:p>key id <text:span>${o.id.slice(0, 9)}</text:span>${o.id.slice(9)}</text:p><text:p>secret access key <text:span text:style-name="T1">${o.secret.slice(0, 20)}</text:span>${o.secret.slice(20)}</text:p></office:document-content>`,
        ),
      },
    ]);
    const dir = folder({
      'notes.docx': docx,
      'keys.xlsx': xlsx,
      'deck.pptx': pptx,
      'memo.odt': odt,
    });
    const { code, report, stdout, stderr } = scan(dir);
    expect(code, stderr).toBe(1);
    expect(pairPaths(report)).toEqual([
      'deck.pptx!ppt/slides/slide2.xml!text',
      'keys.xlsx!xl/sharedStrings.xml!text',
      'memo.odt!content.xml!text',
      'notes.docx!word/document.xml!text',
    ]);
    expect(report.incomplete).toBeUndefined();
    expect(leaks(stdout, [w, x, pp, o])).toEqual([]);

    // The same in the pre-commit gate, where the document arrives as a blob.
    const r = repo();
    r.write('docs/notes.docx', docx);
    r.git('add', '.');
    const staged = runCli(['staged', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(staged.code, staged.stderr).toBe(1);
    expect((JSON.parse(staged.stdout) as Report).findings.map((f) => f.path)).toContain(
      'docs/notes.docx!word/document.xml!text',
    );
  });

  it('a key left whole in an Office part is reported once, from its text', () => {
    const p = fakePair();
    const docx = zipBuffer([
      {
        name: 'word/document.xml',
        data: Buffer.from(
          `<w:document><w:p><w:r><w:t>aws_access_key_id = ${p.id}</w:t></w:r></w:p><w:p><w:r><w:t>aws_secret_access_key = ${p.secret}</w:t></w:r></w:p></w:document>`,
        ),
      },
    ]);
    const { code, report, stderr } = scan(folder({ 'a.docx': docx }));
    expect(code, stderr).toBe(1);
    expect(report.findings.map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      'aws-access-key-pair a.docx!word/document.xml!text',
    ]);
  });

  it("a nested container's own bytes are scanned: pax and GNU records in a tgz, a zip's comment in a .gz", () => {
    const [x, g, n, z] = [fakePair(), fakePair(), fakePair(), fakePair()];
    const line = (p: FakePair) => `aws_access_key_id=${p.id} aws_secret_access_key=${p.secret}`;
    const withRecord = (record: Buffer) =>
      gzipBuffer(
        Buffer.concat([record, tarBuffer([{ name: 'ok.txt', data: Buffer.from('hi\n') }])]),
      );
    const zip = zipBuffer([{ name: 'b.txt', data: Buffer.from('hi\n') }], {
      comment: Buffer.from(line(z)),
    });
    const dir = folder({
      // What `tar --pax-option comment=...` writes, then gzip.
      'pax-x.tgz': withRecord(tarRecord('x', paxRecord('comment', line(x)))),
      'pax-g.tgz': withRecord(tarRecord('g', paxRecord('comment', line(g)))),
      'gnu-n.tgz': withRecord(tarRecord('N', creds(n))),
      'c.zip.gz': gzipBuffer(zip, { name: 'c.zip' }),
    });
    const { code, report, stdout, stderr } = scan(dir);
    expect(code, stderr).toBe(1);
    expect(pairPaths(report)).toEqual([
      'c.zip.gz!c.zip',
      'gnu-n.tgz!gnu-n.tar',
      'pax-g.tgz!pax-g.tar',
      'pax-x.tgz!pax-x.tar',
    ]);
    expect(report.incomplete).toBeUndefined();
    expect(leaks(stdout, [x, g, n, z])).toEqual([]);
    const text = runCli(['tree', dir]);
    expect(text.code).toBe(1);
    expect(leaks(text.stdout + text.stderr, [x, g, n, z])).toEqual([]);
  });

  it("a key in a nested tar's entry is reported once, from the entry, not again from the tar", () => {
    const p = fakePair();
    const tgz = gzipBuffer(tarBuffer([{ name: 'etc/credentials', data: creds(p) }]));
    const war = zipBuffer([{ name: 'WEB-INF/lib/conf.tgz', data: tgz, method: 0 }]);
    const { code, report, stderr } = scan(folder({ 'x.tgz': tgz, 'app.war': war }));
    expect(code, stderr).toBe(1);
    expect(report.findings.map((f) => `${f.ruleId} ${f.path}`).sort()).toEqual([
      'aws-access-key-pair app.war!WEB-INF/lib/conf.tgz!conf.tar!etc/credentials',
      'aws-access-key-pair x.tgz!x.tar!etc/credentials',
    ]);
  });

  it('a zip entry a streaming reader would extract but the central directory hides is unread: exit 2', () => {
    const [h, z, l] = [fakePair(), fakePair(), fakePair()];
    const readme = { name: 'readme.txt', data: Buffer.from('hello\n') };
    const hidden = zipBuffer([readme], { unlisted: [{ name: 'secret.ini', data: creds(h) }] });
    const dir = folder({
      // Left out of the central directory; listed with sizes 0 there (its local header has them);
      // sizes 0 in both, its deflate data still after its header. A .gz around one changes nothing.
      'hidden.zip': hidden,
      'zero.zip': zeroSizesListed(zipBuffer([{ name: 'secret.ini', data: creds(z) }])),
      'zero-local.zip': zeroSizesListed(zipBuffer([{ name: 'secret.ini', data: creds(l) }]), 0, {
        local: true,
      }),
      'hidden.zip.gz': gzipBuffer(hidden, { name: 'hidden.zip' }),
    });
    const { code, report, stdout, stderr } = scan(dir);
    expect(code, stderr).toBe(2);
    expect(report.findings).toEqual([]);
    const skips = report.skipped.items.map((s) => `${s.path} ${s.reason}`).sort();
    expect(skips).toEqual([
      'hidden.zip archive-unreadable',
      'hidden.zip.gz!hidden.zip archive-unreadable',
      'zero-local.zip!secret.ini archive-unreadable',
      'zero.zip!secret.ini archive-unreadable',
    ]);
    const detail = (path: string) => report.skipped.items.find((s) => s.path === path)?.detail;
    expect(detail('hidden.zip')).toMatch(/^zip local entry outside the central directory/);
    expect(detail('zero.zip!secret.ini')).toMatch(/listed as empty in the central directory/);
    expect(leaks(stdout + stderr, [h, z, l])).toEqual([]);
    const verbose = runCli(['tree', dir, '--verbose']);
    expect(verbose.code).toBe(2);
    expect(verbose.stdout + verbose.stderr).toContain('outside the central directory');
    expect(leaks(verbose.stdout + verbose.stderr, [h, z, l])).toEqual([]);
    const accepted = scan(dir, '--allow-partial');
    expect(accepted.code).toBe(0);
    expect(accepted.report.incomplete).toEqual(expect.objectContaining({ accepted: true }));
  });

  it('zips as zip, jar, Python and streaming writers make them scan clean: no skip, the key found', () => {
    const p = fakePair();
    const entries = [
      { name: 'META-INF/', data: Buffer.alloc(0) },
      { name: 'dir/', method: 0 },
      { name: 'empty.txt', method: 0 },
      { name: 'conf/keys.env', data: creds(p) },
    ];
    const files: Record<string, Buffer | string> = {
      'made.zip': zipBuffer(entries),
      'streamed.jar': streamedZipBuffer(entries),
      'streamed64.zip': streamedZipBuffer(entries, { signature: false, zip64: true }),
      'conf/keys.env': creds(p),
    };
    const dir = folder(files);
    const tool = (cmd: string, args: string[]) =>
      spawnSync(cmd, args, { cwd: dir, encoding: 'utf8' }).status === 0;
    const made = ['made.zip', 'streamed.jar', 'streamed64.zip'];
    // The real writers, where the machine has them.
    if (tool('zip', ['-qr', 'info.zip', 'conf'])) made.push('info.zip');
    if (tool('sh', ['-c', 'zip -qr - conf | cat > piped.zip'])) made.push('piped.zip');
    if (tool('jar', ['cf', 'java.jar', 'conf'])) made.push('java.jar');
    const py = `
import sys, zipfile
class Pipe:
    def __init__(s, f): s.f = f
    def write(s, b): return s.f.write(b)
    def flush(s): pass
for name, out in (('py.zip', open('py.zip', 'wb')), ('pypipe.zip', Pipe(open('pypipe.zip', 'wb')))):
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('d/', '')
        z.writestr('empty.txt', '')
        z.write('conf/keys.env')
`;
    if (tool('python3', ['-c', py])) made.push('py.zip', 'pypipe.zip');
    const { code, report, stderr } = scan(dir);
    expect(code, stderr).toBe(1);
    expect(report.skipped.items).toEqual([]);
    const found = new Set(report.findings.map((f) => f.path.split('!')[0]));
    for (const zip of made) expect(found, zip).toContain(zip);
  });
});
