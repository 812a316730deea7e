import { spawnSync } from 'node:child_process';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { everyFormat, expectNoLeak } from '../helpers/adversarial.js';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';
import { type TempRepo, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli } from '../helpers/run-cli.js';

// Issue 10, "binary files are scanned, not skipped": keys as real programs store them. Packed
// binary data keeps values back to back (a SQLite record's columns, a .pyc's marshalled strings
// followed by the next object's type byte, a PNG text chunk followed by its CRC), so a key ID
// sits glued to letters that are not part of it. The key ID must be found there, and the pair
// when the secret is its neighbour. Real files come from python3 (CI has it); the hand-built
// record below runs everywhere.

beforeAll(() => assertBuilt());
const tempRepo = useTempRepos();

interface Report {
  findings: { ruleId: string; path: string; pairedBy?: string }[];
  skipped: { items: unknown[] };
}
const json = (stdout: string): Report => JSON.parse(stdout) as Report;

const PYTHON = spawnSync('python3', ['-c', 'import sqlite3, py_compile'], { encoding: 'utf8' });
const hasPython = PYTHON.status === 0;

/** Runs a python3 script in `dir` with the pair as argv[1], argv[2]. */
function python(dir: string, script: string, p: FakePair): void {
  const r = spawnSync('python3', ['-c', script, p.id, p.secret], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/**
 * Rule ids of `tree <file> -f json` (exit 1, no skip, nothing raw); with `formats`, every other
 * format too, none giving a planted value away.
 */
function scanned(r: TempRepo, file: string, pairs: readonly FakePair[], formats = false): string[] {
  const res = r.keyguard(['tree', file, '-f', 'json']);
  expect(res.code, `${file}: ${res.stderr}`).toBe(1);
  expectNoLeak(res, pairs, file);
  const report = json(res.stdout);
  expect(report.skipped.items).toEqual([]);
  if (formats) {
    for (const { format, ran } of everyFormat((a) => r.keyguard(a), ['tree', file])) {
      expect(ran.code, `${file} ${format}`).toBe(1);
      expectNoLeak(ran, pairs, `${file} as ${format}`);
    }
  }
  return report.findings.map((f) => f.ruleId);
}

const SQLITE = `
import sqlite3, sys
ID, SEC = sys.argv[1], sys.argv[2]
for name, enc, cols, row in [
  ('id-secret.db', 'UTF-8', 'id text, secret text', (ID, SEC)),
  ('secret-id.db', 'UTF-8', 'secret text, id text', (SEC, ID)),
  ('user-id-secret.db', 'UTF-8', 'user text, id text, secret text', ('alice', ID, SEC)),
  ('concat.db', 'UTF-8', 'k text, v text', ('aws', ID + SEC)),
  ('utf16le.db', 'UTF-16le', 'id text, secret text', (ID, SEC)),
  ('utf16be.db', 'UTF-16be', 'id text, secret text', (ID, SEC)),
  ('utf16-int.db', 'UTF-16le', 'id text, n integer, secret text', (ID, 7, SEC)),
]:
  c = sqlite3.connect(name)
  c.execute('pragma encoding="%s"' % enc)
  c.execute('create table creds(%s)' % cols)
  c.execute('insert into creds values(%s)' % ','.join('?' * len(row)), row)
  c.commit()
  c.close()
`;

describe.skipIf(!hasPython)('keys in files real programs wrote (python3)', () => {
  it('SQLite, UTF-8 and UTF-16 databases: the key ID whatever its neighbours, the pair when adjacent', () => {
    const r = tempRepo();
    const p = fakePair();
    python(r.dir, SQLITE, p);
    // Adjacent columns (either order, or one text value holding both): the pair.
    for (const db of ['id-secret.db', 'secret-id.db', 'user-id-secret.db', 'concat.db']) {
      expect(scanned(r, db, [p], db === 'user-id-secret.db'), db).toEqual(['aws-access-key-pair']);
    }
    for (const db of ['utf16le.db', 'utf16be.db']) {
      expect(scanned(r, db, [p]), db).toEqual(['aws-access-key-pair']);
    }
    // An integer column between shifts the secret to the other UTF-16 alignment: the UTF-16
    // view follows it there, and the pair is found.
    expect(scanned(r, 'utf16-int.db', [p])).toEqual(['aws-access-key-pair']);
  });

  it('a .pyc (marshal puts a type byte after each string): the pair', () => {
    const r = tempRepo();
    const p = fakePair();
    python(
      r.dir,
      `import sys, py_compile
open('settings.py', 'w').write('AWS_ACCESS_KEY_ID = "%s"\\nAWS_SECRET_ACCESS_KEY = "%s"\\n' % (sys.argv[1], sys.argv[2]))
py_compile.compile('settings.py', cfile='settings.pyc', doraise=True)`,
      p,
    );
    r.write('settings.py', 'removed\n');
    expect(scanned(r, 'settings.pyc', [p], true)).toEqual(['aws-access-key-pair']);
  });

  it('the same database through stdin, the pre-commit gate and history', () => {
    const r = tempRepo();
    const p = fakePair();
    python(r.dir, SQLITE, p);
    const data = spawnSync('cat', ['secret-id.db'], { cwd: r.dir }).stdout;
    const stdin = runCli(['stdin', '--path', 'secret-id.db', '-f', 'json'], { input: data });
    expect(stdin.code, stdin.stderr).toBe(1);
    expect(json(stdin.stdout).findings.map((f) => f.ruleId)).toEqual(['aws-access-key-pair']);
    r.git('add', 'secret-id.db');
    const staged = r.keyguard(['staged', '-f', 'json']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(json(staged.stdout).findings.map((f) => f.ruleId)).toEqual(['aws-access-key-pair']);
    r.commitAll('db');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(1);
    expect(json(history.stdout).findings.map((f) => f.path)).toContain('secret-id.db');
    expectNoLeak([stdin, staged, history], [p]);
  });
});

/** A SQLite record as the format lays it out: header size, serial types, then the bodies. */
function sqliteRecord(values: readonly string[]): Buffer {
  const types = values.map((v) => 13 + 2 * Buffer.byteLength(v));
  const header = Buffer.from([1 + types.length, ...types]);
  return Buffer.concat([header, ...values.map((v) => Buffer.from(v))]);
}

/** A PNG chunk: length, type, data, CRC (the CRC's bytes are often letters). */
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.from('Zq9x'); // letters, as a CRC's bytes often are: nothing separates them
  return Buffer.concat([len, Buffer.from(type), data, crc]);
}

describe('keys in packed binary built byte by byte (runs everywhere)', () => {
  it('a SQLite record: key ID glued after a name, secret glued after the key ID, a letter after it', () => {
    const r = tempRepo();
    const p = fakePair();
    const page = Buffer.alloc(4096);
    // A 26-character name has serial type 65 ('A'): even the header byte is a letter.
    sqliteRecord(['abcdefghijklmnopqrstuvwxyz', p.id, p.secret, 'Nx']).copy(page, 3000);
    r.write('app.sqlite', page);
    expect(scanned(r, 'app.sqlite', [p], true)).toEqual(['aws-access-key-pair']);
  });

  it('a PNG with the pair in a tEXt chunk followed by its CRC, and a PDF with it in a text stream', () => {
    const r = tempRepo();
    const p = fakePair();
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])),
      pngChunk('tEXt', Buffer.from(`Comment\0${p.id}:${p.secret}`)),
      pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    r.write('logo.png', png);
    expect(scanned(r, 'logo.png', [p])).toEqual(['aws-access-key-pair']);
    const q = fakePair();
    const stream = `BT /F1 12 Tf 72 712 Td (aws_access_key_id ${q.id}) Tj (aws_secret_access_key ${q.secret}) Tj ET`;
    const pdf = Buffer.concat([
      Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
      Buffer.from(`4 0 obj<</Length ${stream.length}>>stream\n${stream}\nendstream endobj\n`),
      Buffer.from([0, 0, 0xff, 0xfe]),
      Buffer.from('trailer<</Root 1 0 R>>\n%%EOF\n'),
    ]);
    r.write('invoice.pdf', pdf);
    expect(scanned(r, 'invoice.pdf', [q])).toEqual(['aws-access-key-pair']);
  });

  it('in packed data, a key-ID shape inside a base64 blob or a list of capital words is not a key', () => {
    // Both seen in system binaries (an embedded base64 blob in node, Unicode name tables in
    // libunistring) once glued values were looked for.
    const r = tempRepo();
    const p = fakePair();
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let blob = '';
    for (let i = 0; i < 3000; i++) blob += b64[(i * 7919) % 64];
    const words =
      'JOINEDJOINERSTACCATOANTIKENOKYLISMAANTIRESTRICTIONBLACKBILABIALLADDERLAHSHULAKHAN';
    r.write(
      'lib.so',
      Buffer.concat([
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]),
        Buffer.from(`${blob.slice(0, 1500)}${p.id}${p.secret}${blob.slice(1500)}`),
        Buffer.from([0, 0]),
        Buffer.from(words),
        Buffer.from([0]),
      ]),
    );
    const res = r.keyguard(['tree', 'lib.so', '-f', 'json']);
    expect(res.code, res.stderr).toBe(0);
    expect(json(res.stdout).findings).toEqual([]);
  });

  it('a key ID inside a longer word of ordinary text is still not one (boundaries hold in text)', () => {
    const r = tempRepo();
    const p = fakePair();
    r.write('notes.txt', `ref ${p.id}ABCDEF and X${p.id}\n`);
    const res = r.keyguard(['tree', 'notes.txt', '-f', 'json']);
    expect(res.code, res.stderr).toBe(0);
    expect(json(res.stdout).findings).toEqual([]);
  });
});

describe('packed binary costs linear time (the engine, in process)', () => {
  const pack = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }]);
  const scan = (text: string) => {
    const started = performance.now();
    const findings = detectChunk(
      { source: 'tree', path: 'db', text },
      pack,
      EMPTY_ENGINE_ALLOWLIST,
    );
    return { findings, ms: performance.now() - started };
  };

  it('10,000 glued records and 100,000 keywords that make no key ID: every key ID found, in time', () => {
    const random = createRandom(99);
    const records: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      records.push(`\0\x03A${i}z${fakeKeyId(random, 'AKIA')}${fakeSecret(random)}N`);
    }
    const { findings, ms } = scan(`${records.join('')}${'\0AKIAz'.repeat(100_000)}`);
    // A few seconds on a busy runner; a per-match scan of every earlier match took minutes.
    expect(ms).toBeLessThan(30_000);
    const keys = findings.filter(
      (f) => f.ruleId === 'aws-access-key-pair' || f.ruleId === 'aws-access-key-id',
    );
    expect(keys).toHaveLength(10_000);
    expect(keys.filter((f) => f.ruleId === 'aws-access-key-pair').length).toBeGreaterThan(9_900);
  }, 60_000);
});
