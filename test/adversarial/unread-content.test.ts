import { randomBytes } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { everyFormat, expectNoLeak, planted } from '../helpers/adversarial.js';
import { gzipBuffer, gzipWithoutNul, tarBuffer, zipBuffer } from '../helpers/archive-writers.js';
import {
  basesAfter,
  fetchThin,
  gitId,
  insertOnly,
  packObject,
  packOf,
  redactedInPlace,
  refDelta,
} from '../helpers/git-packs.js';
import { type TempRepo, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// Issue 10, "every byte is read, or the run says it could not look": content that a scanner
// could pass over while it looks like it read it. Each case is built for real and run through
// the built CLI in every mode that could meet it, and through the installed pre-commit hook.

beforeAll(() => assertBuilt());
const tempRepo = useTempRepos();

interface Report {
  findings: { ruleId: string; path: string }[];
  skipped: { items: { path: string; reason: string; detail?: string }[] };
  incomplete?: { unread: number; accepted: boolean };
}

const json = (stdout: string): Report => JSON.parse(stdout) as Report;

/** A run that exit 2s and lists `path` as unread. */
function expectUnread(ran: { code: number; stdout: string; stderr: string }, path: string): void {
  expect(ran.code, ran.stderr).toBe(2);
  expect(json(ran.stdout).skipped.items).toContainEqual(
    expect.objectContaining({ path, reason: 'archive-unreadable' }),
  );
}

/** A repository with the pre-commit gate installed (the shell prefilter in front). */
function hooked(): TempRepo {
  const r = tempRepo();
  const installed = r.keyguard(['install']);
  expect(installed.code, installed.stderr).toBe(0);
  return r;
}

/** Text lines git diffs as text and the hook's prefilter finds nothing key-like in. */
function prose(lines: number): string {
  let out = '';
  for (let i = 0; i < lines; i++) out += `line ${i} of ordinary notes, nothing secret here\n`;
  return out;
}

/** An executable jar: a launch script, then a zip whose offsets count it (as jar launchers make). */
function executableJar(entry: string, data: string): Buffer {
  const script = Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n');
  return zipBuffer([{ name: entry, data: Buffer.from(data) }], { prefix: script });
}

describe('the pre-commit gate: what git diffs as text but the engine numbers otherwise', () => {
  it('a UTF-16 key appended to a text file is found (its view has its own line numbers)', () => {
    for (const encoding of ['utf16le', 'utf16be'] as const) {
      const r = hooked();
      r.write('notes.txt', prose(300));
      r.commitAll('notes');
      const { pair, text } = planted();
      const utf16 = Buffer.from(text, 'utf16le');
      if (encoding === 'utf16be') utf16.swap16();
      r.write('notes.txt', Buffer.concat([Buffer.from(prose(300)), utf16]));
      r.git('add', 'notes.txt');
      const staged = r.keyguard(['staged', '-f', 'json']);
      expect(staged.code, `${encoding}: ${staged.stderr}`).toBe(1);
      expect(json(staged.stdout).findings.map((f) => f.ruleId)).toContain('aws-access-key-pair');
      const commit = r.tryGit('commit', '-q', '-m', 'utf-16 tail');
      expect(commit.code, encoding).not.toBe(0);
      expectNoLeak([staged, commit], [pair], encoding);
    }
  });
});

/** A self-extracting installer as makeself builds one: a script, then a tar.gz to the end. */
function installer(entries: { name: string; data: Buffer }[]): Buffer {
  const script = Buffer.from('#!/bin/sh\n# self-extracting\ntail -n +5 "$0" | tar xz\nexit 0\n');
  return Buffer.concat([script, gzipBuffer(tarBuffer(entries))]);
}

describe('archives a scanner could pass over', () => {
  it('a self-extracting script (a tar.gz after its text) is opened in tree, stdin, staged and history', () => {
    const r = hooked();
    const { pair, text } = planted();
    const run = installer([{ name: 'home/.aws/credentials', data: Buffer.from(text) }]);
    r.write('install.run', run);
    const inner = 'install.run!payload!home/.aws/credentials';
    const paths = (out: string) => json(out).findings.map((f) => f.path);
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    expect(paths(tree.stdout)).toContain(inner);
    const stdin = runCli(['stdin', '--path', 'install.run', '-f', 'json'], { input: run });
    expect(stdin.code, stdin.stderr).toBe(1);
    expect(paths(stdin.stdout)).toContain(inner);
    r.git('add', 'install.run');
    const staged = r.keyguard(['staged', '-f', 'json']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(paths(staged.stdout)).toContain(inner);
    const commit = r.tryGit('commit', '-q', '-m', 'installer');
    expect(commit.code).not.toBe(0);
    r.commitAll('installer, past the hook');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(1);
    expect(paths(history.stdout)).toContain(inner);
    expectNoLeak([tree, stdin, staged, commit, history], [pair]);
  });

  it('a large self-extracting script is opened from its payload; one in a format keyguard does not open fails the scan', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    // Stored random bytes: the payload, and the file, outgrow a read window (4 MiB).
    const big = installer([
      { name: 'lib/blob.bin', data: randomBytes(5 * 1024 * 1024) },
      { name: 'etc/app.env', data: Buffer.from(text) },
    ]);
    r.write('big.run', big);
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    expect(json(tree.stdout).findings.map((f) => f.path)).toContain('big.run!payload!etc/app.env');
    expect(json(tree.stdout).skipped.items).toEqual([]);
    // Too large for standard input to hold: listed, never passed over.
    const stdin = runCli(['stdin', '--path', 'big.run', '-f', 'json'], { input: big });
    expectUnread(stdin, 'big.run');
    const xz = Buffer.concat([
      Buffer.from('#!/bin/sh\nexit 0\n'),
      Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
      randomBytes(500),
    ]);
    r.write('big.run', xz);
    const unopened = r.keyguard(['tree', '.', '-f', 'json']);
    expectUnread(unopened, 'big.run');
    expectNoLeak([tree, stdin, unopened], [pair]);
  });

  it('self-extracting scripts as they come: a BOM, no last line end, long text, a stream, inside an archive', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    const payload = gzipBuffer(tarBuffer([{ name: 'creds', data: Buffer.from(text) }]));
    const script = '#!/bin/sh\ntail -c +NNN "$0" | tar xz; exit 0';
    const license = `#${'x'.repeat(79)}\n`.repeat(13_000);
    const files: Record<string, Buffer> = {
      'bom.run': Buffer.concat([Buffer.from(`\ufeff${script}\n`), payload]),
      'joined.run': Buffer.concat([Buffer.from(script), payload]),
      // Over a megabyte of text first (a license makeself puts in the header): past one window.
      'licensed.run': Buffer.concat([Buffer.from(`${script}\n${license}`), payload]),
    };
    for (const [name, data] of Object.entries(files)) r.write(name, data);
    // makeself --nocomp: a tar, a .gz in it; a zlib stream.
    const tar = tarBuffer([
      { name: 'data.gz', data: gzipBuffer(Buffer.from(text)) },
      { name: 'readme.txt', data: Buffer.from('hi\n') },
    ]);
    r.write('nocomp.run', Buffer.concat([Buffer.from(`${script}\n`), tar]));
    r.write(
      'zlib.run',
      Buffer.concat([Buffer.from(`${script}\n`), deflateSync(Buffer.from(text))]),
    );
    // An installer that writes a bzip2 file's magic as text is no payload; nor is what follows
    // a recording's '#!AMR' header (audio frames hold a '.Z' magic by chance).
    r.write('writes-bz2.sh', '#!/bin/sh\ncat > t.bz2 <<EOF\nBZh91AY&SY\nEOF\n');
    r.write(
      'memo.amr',
      Buffer.concat([
        Buffer.from('#!AMR\n'),
        Buffer.from([0x3c, 0x91, 0x17, 0x00, 0x1f, 0x9d, 0x90]),
      ]),
    );
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    const found = json(tree.stdout).findings.map((f) => f.path);
    for (const name of Object.keys(files)) expect(found).toContain(`${name}!payload!creds`);
    expect(found).toContain('nocomp.run!data.gz!data');
    expect(found).toContain('zlib.run!zlib-data');
    expect(json(tree.stdout).skipped.items).toEqual([]);
    // Standard input over 4 MiB, the payload after what it holds; a script inside a tar.
    const long = Buffer.concat([Buffer.from(`${script}\n${license.repeat(5)}`), payload]);
    const stdin = runCli(['stdin', '--path', 'long.run', '-f', 'json'], { input: long });
    expectUnread(stdin, 'long.run');
    const bundle = tarBuffer([{ name: 'install.run', data: files['joined.run'] as Buffer }]);
    const inTar = runCli(['stdin', '--path', 'bundle.tar', '-f', 'json'], { input: bundle });
    expectUnread(inTar, 'bundle.tar!install.run');
    expectNoLeak([tree, stdin, inTar], [pair]);
  });

  it('gzip data after zero padding is never passed over: small or streamed, it fails the scan', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    const benign = gzipBuffer(Buffer.from('nothing here\n'));
    const keyed = gzipBuffer(Buffer.from(text));
    // Node's gunzip takes the zeros for padding and stops reading there.
    r.write('logs.gz', Buffer.concat([benign, Buffer.alloc(512), keyed]));
    // Over 4 MiB of input: streamed through zlib rather than inflated at once.
    const filler = gzipBuffer(randomBytes(5 * 1024 * 1024));
    r.write('big.gz', Buffer.concat([filler, Buffer.alloc(512), keyed]));
    // Padding alone is fine.
    r.write('padded.gz', Buffer.concat([keyed, Buffer.alloc(512)]));
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(2);
    const report = json(tree.stdout);
    for (const name of ['logs.gz', 'big.gz']) {
      expect(report.skipped.items, name).toContainEqual(
        expect.objectContaining({
          reason: 'archive-unreadable',
          path: expect.stringMatching(`^${name}`),
        }),
      );
    }
    expect(report.findings.map((f) => f.path)).toContain('padded.gz!padded');
    expect(report.skipped.items.map((i) => i.path)).not.toContainEqual(
      expect.stringMatching(/^padded/),
    );
    expectNoLeak(tree, [pair]);
  });

  it('an executable jar (a zip after a launch script) is opened in tree, stdin, staged and history', () => {
    const r = hooked();
    const { pair, text } = planted();
    const jar = executableJar('BOOT-INF/classes/application.properties', text);
    r.write('app.jar', jar);
    const inner = 'app.jar!BOOT-INF/classes/application.properties';
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    expect(json(tree.stdout).findings.map((f) => f.path)).toContain(inner);
    const stdin = runCli(['stdin', '--path', 'app.jar', '-f', 'json'], { input: jar });
    expect(stdin.code, stdin.stderr).toBe(1);
    // Larger than the first look at a stream: held, and opened once its end shows a zip.
    const padded = executableJar('app.env', `${'#'.repeat(4096)}\n${text}`);
    const streamed = runCli(['stdin', '--path', 'big.jar', '-f', 'json'], { input: padded });
    expect(streamed.code, streamed.stderr).toBe(1);
    expect(json(streamed.stdout).findings.map((f) => f.path)).toContain('big.jar!app.env');
    r.git('add', 'app.jar');
    const staged = r.keyguard(['staged', '-f', 'json']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(json(staged.stdout).findings.map((f) => f.path)).toContain(inner);
    const commit = r.tryGit('commit', '-q', '-m', 'jar');
    expect(commit.code).not.toBe(0);
    r.commitAll('jar, past the hook');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(1);
    expect(json(history.stdout).findings.map((f) => f.path)).toContain(inner);
    expectNoLeak([tree, stdin, streamed, staged, commit, history], [pair]);
  });

  it('a zip with bytes after its end (unzip still opens it) is opened, or listed when too large', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    const trailed = Buffer.concat([
      Buffer.from('#!/bin/sh\necho installing\nexit 0\n'),
      zipBuffer([{ name: 'key.txt', data: Buffer.from(text) }]),
      Buffer.from('\n# trailer\n'),
    ]);
    r.write('zs.run', trailed);
    const big = Buffer.concat([
      zipBuffer([
        { name: 'blob.bin', data: randomBytes(2 * 1024 * 1024), method: 0 },
        { name: 'key.txt', data: Buffer.from(text) },
      ]),
      Buffer.from('xx'),
    ]);
    r.write('big.bin', big);
    // Behind a stub that starts like a zlib stream (`x^`), or behind a real one.
    const zip = zipBuffer([{ name: 'key.txt', data: Buffer.from(text) }]);
    r.write('xstub.bin', Buffer.concat([Buffer.from('x^ readme stub\n'), zip]));
    r.write('zstub.bin', Buffer.concat([deflateSync(Buffer.from('stub')), zip]));
    // An image or a document with a zip appended (a polyglot unzip opens).
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    r.write('pic.png', Buffer.concat([png, zip]));
    r.write('doc.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n%%EOF\n'), zip]));
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(2);
    const report = json(tree.stdout);
    for (const name of ['zs.run', 'xstub.bin', 'zstub.bin', 'pic.png', 'doc.pdf'])
      expect(report.findings.map((f) => f.path)).toContain(`${name}!key.txt`);
    expect(report.skipped.items).toContainEqual(
      expect.objectContaining({ path: 'big.bin', reason: 'archive-unreadable' }),
    );
    const stdin = runCli(['stdin', '--path', 'zs.run', '-f', 'json'], { input: trailed });
    expect(stdin.code, stdin.stderr).toBe(1);
    r.git('add', 'zs.run');
    const staged = r.keyguard(['staged', '-f', 'json']);
    expect(staged.code, staged.stderr).toBe(1);
    expect(json(staged.stdout).findings.map((f) => f.path)).toContain('zs.run!key.txt');
    expectNoLeak([tree, stdin, staged], [pair]);
  });

  it('a large executable jar (read in windows) is opened by its end; text that starts like bzip2 is not a skip', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    const filler = randomBytes(5 * 1024 * 1024);
    const script = Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n');
    r.write(
      'big.jar',
      zipBuffer(
        [
          { name: 'lib/blob.bin', data: filler, method: 0 },
          { name: 'config/app.env', data: Buffer.from(text) },
        ],
        { prefix: script },
      ),
    );
    r.write('notes.txt', 'BZh9 is how a bzip2 file starts; this one is text.\n');
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    const report = json(tree.stdout);
    expect(report.findings.map((f) => f.path)).toContain('big.jar!config/app.env');
    expect(report.skipped.items).toEqual([]);
    expectNoLeak(tree, [pair]);
  });

  it('the hook hands compressed data that git diffs as text to the full scan', () => {
    const r = hooked();
    r.write('README.md', 'hello\n');
    r.commitAll('init');
    const { pair, text } = planted();
    // More than git's 8,000-byte look for a NUL, with no run the prefilter's pattern matches.
    const cover = Buffer.from('-'.repeat(70).concat('\n').repeat(120));
    r.write('logs.gz', gzipWithoutNul(cover, Buffer.from(text)));
    r.write(
      'tool.run',
      Buffer.concat([cover, zipBuffer([{ name: 'creds.ini', data: Buffer.from(text) }])]),
    );
    for (const file of ['logs.gz', 'tool.run']) {
      r.git('reset', '-q');
      r.git('add', file);
      expect(r.git('diff', '--cached', '--numstat'), `${file} diffs as text`).not.toMatch(/^-\t/);
      const commit = r.tryGit('commit', '-q', '-m', file);
      expect(commit.code, `${file}: ${commit.stdout}${commit.stderr}`).not.toBe(0);
      expectNoLeak(commit, [pair], file);
    }
  });

  it('a compressed format keyguard cannot open is listed and fails the scan (exit 2), alone or inside a zip', () => {
    const magics: Record<string, Buffer> = {
      'a.bz2': Buffer.from('BZh91AY&SY'),
      'a.xz': Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
      'a.zst': Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
      'a.7z': Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]),
      'a.rar': Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'),
      'a.lz4': Buffer.from([0x04, 0x22, 0x4d, 0x18]),
      // makeself --compress and --lzo.
      'a.Z': Buffer.from([0x1f, 0x9d, 0x90]),
      'a.lzo': Buffer.from([0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]),
    };
    const r = tempRepo();
    for (const [name, magic] of Object.entries(magics)) {
      r.write(name, Buffer.concat([magic, randomBytes(2000)]));
    }
    const xz = Buffer.concat([magics['a.xz'] as Buffer, randomBytes(500)]);
    r.write('bundle.zip', zipBuffer([{ name: 'inner/data.xz', data: xz }]));
    // An executable jar inside another archive arrives as a stream: known by its end, too late.
    r.write('image.tar', tarBuffer([{ name: 'app.jar', data: executableJar('a.env', 'x=1\n') }]));
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(2);
    const skipped = json(tree.stdout).skipped.items;
    for (const name of [...Object.keys(magics), 'bundle.zip!inner/data.xz', 'image.tar!app.jar']) {
      const s = skipped.find((i) => i.path === name);
      expect(s?.reason, name).toBe('archive-unreadable');
    }
    const partial = r.keyguard(['tree', '.', '--allow-partial']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(partial.stdout).not.toContain('✔');
    r.commitAll('compressed');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(2);
  });
});

describe('names inside files', () => {
  it('a key pair in a gzip header or a zip entry name is shown masked, in findings and skips, every format', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    const name = `aws_access_key_id=${pair.id} aws_secret_access_key=${pair.secret}`;
    // A stored name, then bytes after the member that are not padding: a skip names it.
    r.write(
      'named.gz',
      Buffer.concat([gzipBuffer(Buffer.from(text), { name }), Buffer.from('xx')]),
    );
    r.write('named.zip', zipBuffer([{ name: `${name}.txt`, data: Buffer.from(text) }]));
    const runs = everyFormat((args) => r.keyguard(args), ['tree', '.', '--verbose']);
    for (const { format, ran } of runs) {
      expect(ran.code, `${format}: ${ran.stderr}`).toBe(2);
      expectNoLeak(ran, [pair], format);
    }
    const report = json(runs.find((x) => x.format === 'json')?.ran.stdout ?? '');
    expect(report.findings.map((f) => f.path)).toContainEqual(
      expect.stringMatching(/^named\.zip!aws_access_key_id=AKIA\*{12}/),
    );
  });
});

describe('a plain folder holds the same traps', () => {
  it("a repository inside a plain folder: its history's objects are read, loose and packed", () => {
    const r = tempRepo();
    const { pair, text } = planted();
    r.write('notes.txt', 'nothing yet\n');
    r.commitAll('one');
    r.write('notes.txt', text);
    r.commitAll('key');
    r.write('notes.txt', 'nothing now\n');
    r.commitAll('no key');
    const folder = tempDir();
    try {
      // A downloaded project, its .git with it; once as git left it, once packed.
      cpSync(r.dir, join(folder.path, 'loose'), { recursive: true });
      r.git('gc', '-q');
      cpSync(r.dir, join(folder.path, 'packed'), { recursive: true });
      const res = runCli(['tree', folder.path, '-f', 'json']);
      expect(res.code, res.stderr).toBe(1);
      const paths = json(res.stdout).findings.map((f) => f.path);
      expect(paths).toContainEqual(
        expect.stringMatching(/^loose\/\.git\/objects\/[0-9a-f]{2}\/[0-9a-f]{38}!blob$/),
      );
      expect(paths).toContainEqual(
        expect.stringMatching(
          /^packed\/\.git\/objects\/pack\/pack-[0-9a-f]+\.pack!(blob|delta)@\d+$/,
        ),
      );
      expect(json(res.stdout).skipped.items).toEqual([]);
      expectNoLeak(res, [pair]);
    } finally {
      folder.cleanup();
    }
  });

  it("a repository's fetched thin pack: a delta on a base index-pack appended at its end is applied", () => {
    const a = tempRepo();
    const b = tempRepo();
    const { pair, text } = planted();
    const at = (block: string) => prose(200).replace('line 100 ', `${block}line 100 `);
    // The keyed version that follows copies `aws_access_key_id = AKIA` from it and inserts only
    // the rest: no key is in its inserted bytes alone.
    const redacted = redactedInPlace(text, pair);
    const pack = fetchThin(a, b, 'notes.txt', at(redacted), [at(text)]);
    expect(basesAfter(pack)).not.toEqual([]);
    const folder = tempDir();
    try {
      cpSync(b.dir, join(folder.path, 'project'), { recursive: true });
      const res = runCli(['tree', folder.path, '-f', 'json']);
      expect(res.code, res.stderr).toBe(1);
      expect(json(res.stdout).findings.map((f) => f.path)).toContainEqual(
        expect.stringMatching(/^project\/\.git\/objects\/pack\/pack-[0-9a-f]+\.pack!blob@\d+$/),
      );
      expect(json(res.stdout).skipped.items).toEqual([]);
      expectNoLeak(res, [pair]);
    } finally {
      folder.cleanup();
    }
  });

  it('a bundle with prerequisites: a delta on a base it lacks fails the scan, its inserted key still found', () => {
    const r = tempRepo();
    const kept = planted();
    const added = planted();
    const at = (block: string) => prose(200).replace('line 100 ', `${block}line 100 `);
    const redacted = redactedInPlace(kept.text, kept.pair);
    r.write('conf.txt', at(redacted));
    r.write('notes.txt', prose(150));
    r.commitAll('redacted');
    r.write('conf.txt', at(kept.text));
    r.write('notes.txt', prose(150).replace('line 70 ', `${added.text}line 70 `));
    r.commitAll('keys');
    const folder = tempDir();
    try {
      r.git('bundle', 'create', join(folder.path, 'thin.bundle'), 'main~1..main');
      const res = runCli(['tree', folder.path, '-f', 'json']);
      const report = json(res.stdout);
      const unread = report.skipped.items.filter((i) => /^thin\.bundle!delta@\d+$/.test(i.path));
      expect(unread).toHaveLength(2);
      for (const item of unread) expectUnread(res, item.path);
      expect(unread.map((i) => i.detail)).toContainEqual(
        expect.stringMatching(/its base \(object [0-9a-f]{40}\) is not in this pack/),
      );
      // The key the notes' delta inserts whole is still found.
      expect(report.findings.map((f) => f.path)).toContainEqual(
        expect.stringMatching(/^thin\.bundle!delta@\d+$/),
      );
      expectNoLeak(res, [kept.pair, added.pair]);
    } finally {
      folder.cleanup();
    }
  });

  it('a hostile pack whose deltas name their own results or each other ends, listed (exit 2)', () => {
    const one = Buffer.from('one of a cycle\n');
    const other = Buffer.from('the other one\n');
    const self = Buffer.from('a delta naming its own result\n');
    const pack = packOf([
      packObject(3, Buffer.from('a plain blob\n')),
      refDelta(gitId('blob', self), insertOnly(self.length, self)),
      refDelta(gitId('blob', other), insertOnly(other.length, one)),
      refDelta(gitId('blob', one), insertOnly(one.length, other)),
    ]);
    const folder = tempDir();
    try {
      writeFileSync(join(folder.path, 'objects.pack'), pack);
      const res = runCli(['tree', folder.path, '-f', 'json']);
      const unread = json(res.stdout).skipped.items.filter((i) =>
        i.path.startsWith('objects.pack!delta@'),
      );
      expect(unread).toHaveLength(3);
      for (const item of unread) expectUnread(res, item.path);
    } finally {
      folder.cleanup();
    }
  });

  it('an executable jar outside git is opened too', () => {
    const r = tempRepo();
    const { pair, text } = planted();
    writeFileSync(join(r.dir, 'svc.jar'), executableJar('app.env', text));
    const res = runCli(['tree', r.dir, '-f', 'json']);
    expect(res.code, res.stderr).toBe(1);
    expectNoLeak(res, [pair]);
  });
});
