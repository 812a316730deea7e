import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStagedDiff } from '../../src/git/staged-changes.js';
import type { Chunk } from '../../src/model/chunk.js';
import type { Skipped } from '../../src/model/outcome.js';
import { createByteFilter } from '../../src/sources/byte-filter.js';
import { createStagedSource } from '../../src/sources/staged-source.js';
import {
  credentialsFile,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

/** A fresh repository per call, removed after each test. */
const repo = useTempRepos();
const uninitialised = useTempRepos({ init: false });

/** Runs the source with the repository's environment as a hook would see it. */
async function collect(
  r: TempRepo,
  env: Record<string, string> = {},
  extra: { workTree?: string } = {},
) {
  const saved = { ...process.env };
  Object.assign(process.env, r.env, env);
  try {
    const chunks: Chunk[] = [];
    // The names of staged paths reach the engine as chunks of their own (no keyword filter here).
    const names: Chunk[] = [];
    const skipped: Skipped[] = [];
    const source = createStagedSource({
      cwd: r.dir,
      read: { filter: createByteFilter(undefined) },
      ...extra,
    });
    await source.read({
      chunk: (c) => (c.name === true ? names : chunks).push(c),
      skip: (s) => skipped.push(s),
      read: () => undefined,
    });
    return { chunks, names, skipped, coverage: source.coverage?.() };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** A `git` first on PATH that refuses `cat-file`: whatever it would have read must come from elsewhere. */
function gitWithoutCatFile(r: TempRepo): string {
  const real = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const dir = join(r.dir, '..', 'no-cat-file');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'git'),
    // keyguard puts its own options before the subcommand: look for it among all arguments.
    `#!/bin/sh\ncase " $* " in *' cat-file '*) echo 'cat-file refused' >&2; exit 1;; esac\nexec "${real}" "$@"\n`,
  );
  chmodSync(join(dir, 'git'), 0o755);
  return `${dir}:${process.env.PATH ?? ''}`;
}

describe('staged source', () => {
  it('reads a staged file from the work tree when its bytes are exactly the staged blob', async () => {
    for (const format of ['sha1', 'sha256']) {
      const r = uninitialised();
      r.git('init', '-q', '-b', 'main', `--object-format=${format}`);
      r.write('a.txt', 'alpha\n');
      r.write('dir/b.txt', 'beta\n');
      r.git('add', '.');
      const { chunks } = await collect(r, { PATH: gitWithoutCatFile(r) }, { workTree: r.dir });
      expect(chunks.map((c) => c.text).sort(), format).toEqual(['alpha\n', 'beta\n']);
    }
  });

  it('reads through git when the work tree differs: the staged bytes are the ones scanned', async () => {
    const r = repo();
    r.write('a.txt', 'staged\n');
    r.git('add', 'a.txt');
    r.write('a.txt', 'edited after staging\n');
    // git refusing cat-file proves the edited file was not taken instead.
    await expect(collect(r, { PATH: gitWithoutCatFile(r) }, { workTree: r.dir })).rejects.toThrow(
      /cat-file --batch failed/,
    );
    const { chunks } = await collect(r, {}, { workTree: r.dir });
    expect(chunks.map((c) => c.text)).toEqual(['staged\n']);
  });

  it('reads the index blob with the added lines as reportable', async () => {
    const r = repo();
    r.write('a.txt', 'one\ntwo\nthree\n');
    r.commitAll('init');
    r.write('a.txt', 'one\nTWO\nthree\nfour\n');
    r.git('add', 'a.txt');
    r.write('a.txt', 'working tree only\n');
    const { chunks } = await collect(r);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.text).toBe('one\nTWO\nthree\nfour\n');
    expect(chunks[0]?.reportable).toEqual([
      { start: 2, end: 2 },
      { start: 4, end: 4 },
    ]);
    expect(chunks[0]?.source).toBe('staged');
  });

  it('first commit: every line is new', async () => {
    const r = repo();
    r.write('x.txt', 'a\nb\n');
    r.git('add', '.');
    const { chunks } = await collect(r);
    expect(chunks[0]?.reportable).toEqual([{ start: 1, end: 2 }]);
  });

  it('names with spaces, unicode and newlines', async () => {
    const r = repo();
    const names = ['with space.txt', 'ünïcödé/日本.txt', 'new\nline.txt'];
    for (const n of names) r.write(n, 'content\n');
    r.git('add', '.');
    const { chunks } = await collect(r);
    expect(chunks.map((c) => c.path).sort()).toEqual([...names].sort());
  });

  it('deletions add nothing; a mode change has no reportable line, a rename all its lines', async () => {
    const r = repo();
    r.write('gone.txt', 'bye\n');
    r.write('old.txt', 'same\n');
    r.write('run.sh', 'echo hi\n');
    r.commitAll('init');
    r.git('rm', '-q', 'gone.txt');
    r.git('mv', 'old.txt', 'moved.txt');
    chmodSync(join(r.dir, 'run.sh'), 0o755);
    r.git('add', 'run.sh');
    const { chunks, coverage } = await collect(r);
    expect(coverage?.deletions).toBe(1);
    expect(chunks.map((c) => [c.path, c.reportable])).toEqual(
      expect.arrayContaining([
        // Renamed: every line is reported (see staged-source.ts); a mode change adds none.
        ['moved.txt', undefined],
        ['run.sh', []],
      ]),
    );
  });

  it('hands the engine the name of every path the commit writes, an empty file too; not of a deletion', async () => {
    const r = repo();
    r.write('gone.txt', 'bye\n');
    r.write('old.txt', 'same\n');
    r.commitAll('init');
    r.git('rm', '-q', 'gone.txt');
    r.git('mv', 'old.txt', 'moved.txt');
    r.write('empty', '');
    r.git('add', 'empty');
    const { names } = await collect(r);
    expect([...new Set(names.map((c) => c.path))].sort()).toEqual(['empty', 'moved.txt']);
    // The name as it is and as words (an extension is no part of a value), never a line range.
    expect(names.filter((c) => c.path === 'moved.txt').map((c) => c.text)).toEqual([
      'moved.txt',
      'moved txt',
    ]);
    for (const c of names) expect(c.reportable).toBeUndefined();
  });

  it('binary files are read like any other; submodules are listed as another repository', async () => {
    const r = repo();
    const c = fakeCredentials(23);
    r.write(
      'img.bin',
      Buffer.concat([Buffer.from([0, 1, 2, 3, 0, 5]), Buffer.from(` ${c.keyId} `)]),
    );
    const sub = repo();
    sub.write('s.txt', 's\n');
    sub.commitAll('sub');
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    r.git('add', 'img.bin');
    const { skipped, chunks } = await collect(r);
    expect(skipped).toEqual([expect.objectContaining({ path: 'vendor/sub', reason: 'submodule' })]);
    expect(chunks.find((ch) => ch.path === 'img.bin')?.text).toContain(c.keyId);
  });

  it("a symbolic link's blob, its text, is read like a file's; what it points to never is", async () => {
    const r = repo();
    const c = fakeCredentials(26);
    const outside = join(r.dir, '..', 'outside.ini');
    writeFileSync(outside, credentialsFile(fakeCredentials(27)));
    const text = `aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}`;
    symlinkSync(text, join(r.dir, 'link'));
    symlinkSync(outside, join(r.dir, 'out'));
    r.git('add', '.');
    // With the work tree and without: a link is never a regular file there, git gives its blob.
    for (const extra of [{}, { workTree: r.dir }]) {
      const { chunks, skipped, coverage } = await collect(r, {}, extra);
      // Every blob reaches the engine here (no keyword filter): the link out is its path's text.
      expect(chunks.map((ch) => [ch.path, ch.text, ch.reportable])).toEqual([
        ['link', text, [{ start: 1, end: 1 }]],
        ['out', outside, [{ start: 1, end: 1 }]],
      ]);
      expect(skipped).toEqual([]);
      expect(coverage).toMatchObject({ stagedPaths: 2, blobsScanned: 2, skipped: 0 });
    }
  });

  it('honours GIT_INDEX_FILE (the temporary index of commit -a / commit <paths>)', async () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    r.write('a.txt', 'a\nfrom the other index\n');
    const other = join(r.dir, '..', 'other-index');
    // A second index holding the change, as git builds for `commit -a`; the real one stays clean.
    const env = { GIT_INDEX_FILE: other };
    execFileSync('git', ['read-tree', 'HEAD'], { cwd: r.dir, env: { ...r.env, ...env } });
    execFileSync('git', ['add', 'a.txt'], { cwd: r.dir, env: { ...r.env, ...env } });
    expect((await collect(r)).chunks).toHaveLength(0);
    const viaOther = await collect(r, env);
    expect(viaOther.chunks.map((c) => c.path)).toEqual(['a.txt']);
    expect(viaOther.chunks[0]?.reportable).toEqual([{ start: 2, end: 2 }]);
  });

  it('a file staged then deleted from the working tree is still scanned', async () => {
    const r = repo();
    const c = fakeCredentials(21);
    r.write('k.ini', credentialsFile(c));
    r.git('add', 'k.ini');
    unlinkSync(join(r.dir, 'k.ini'));
    const { chunks } = await collect(r);
    expect(chunks[0]?.text).toContain('aws_secret_access_key');
  });
});

describe('keyguard staged', () => {
  it('pairs a new secret with a key ID committed long ago, reporting only the new line', () => {
    const r = repo();
    const c = fakeCredentials(22);
    r.write('app.ini', `[default]\naws_access_key_id = ${c.keyId}\nregion = us-east-1\n`);
    r.commitAll('old key id');
    r.write(
      'app.ini',
      `[default]\naws_access_key_id = ${c.keyId}\nregion = us-east-1\naws_secret_access_key = ${c.secret}\n`,
    );
    r.git('add', 'app.ini');
    const res = r.keyguard(['staged', '--format', 'json']);
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as {
      findings: { kind: string; line: number; partner?: { line: number } }[];
    };
    const pair = report.findings.find((f) => f.kind === 'credential-pair');
    expect(pair).toBeDefined();
    // The pair touches the new line (4) through its secret; the old ID alone is not reported.
    expect([pair?.line, pair?.partner?.line].sort()).toEqual([2, 4]);
    expect(report.findings.filter((f) => f.kind === 'access-key-id')).toHaveLength(0);
    expect(res.stdout).not.toContain(c.secret);
  });

  it('blocks a key pair written into a symbolic link, naming the link, nothing raw shown', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const c = fakeCredentials(28);
    symlinkSync(
      `aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}`,
      join(r.dir, 'link'),
    );
    r.git('add', 'link');
    const res = r.keyguard(['staged', '--format', 'json']);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as { findings: { kind: string; path: string }[] };
    expect(report.findings.map((f) => `${f.kind} ${f.path}`)).toEqual(['credential-pair link']);
    const human = r.keyguard(['staged']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^link:1:\d+ +HIGH +AWS access key pair/m);
    for (const out of [res, human]) {
      expect(out.stdout + out.stderr).not.toContain(c.secret);
      expect(out.stdout + out.stderr).not.toContain(c.keyId);
    }
  });

  it('blocks a key pair in a file that became a symbolic link (a type change), naming it', () => {
    const r = repo();
    r.write('conf', 'plain\n');
    r.commitAll('init');
    const c = fakeCredentials(29);
    unlinkSync(join(r.dir, 'conf'));
    symlinkSync(
      `aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}`,
      join(r.dir, 'conf'),
    );
    r.git('add', 'conf');
    const res = r.keyguard(['staged', '--format', 'json']);
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as { findings: { kind: string; path: string }[] };
    expect(report.findings.map((f) => `${f.kind} ${f.path}`)).toEqual(['credential-pair conf']);
    expect(res.stdout + res.stderr).not.toContain(c.secret);
  });

  it('an old key untouched by the change is not reported', () => {
    const r = repo();
    const c = fakeCredentials(23);
    r.write('app.ini', credentialsFile(c));
    r.commitAll('legacy');
    r.write('app.ini', `${credentialsFile(c)}extra = 1\n`);
    r.git('add', 'app.ini');
    const res = r.keyguard(['staged']);
    expect(res.code, res.stdout).toBe(0);
  });

  it('honours the config (full path): an allowlisted path is suppressed, not reported', () => {
    const r = repo();
    r.write(
      '.keyguard.json',
      JSON.stringify({ allowlist: { paths: [{ glob: 'fixtures/**', reason: 'test data' }] } }),
    );
    r.commitAll('config');
    const c = fakeCredentials(24);
    r.write('fixtures/creds.ini', credentialsFile(c));
    r.git('add', '.');
    const res = r.keyguard(['staged', '--format', 'json']);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { findings: unknown[]; suppressed: { count: number } };
    expect(report.findings).toHaveLength(0);
    expect(report.suppressed.count).toBeGreaterThan(0);
    r.write('src/app.ini', credentialsFile(c));
    r.git('add', '.');
    expect(r.keyguard(['staged']).code).toBe(1);
  });

  it('a change with no keyword at all is clean on the quick path, with a config present', () => {
    const r = repo();
    r.write('.keyguard.json', '{}');
    r.write('a.txt', 'plain\n');
    r.git('add', '.');
    const res = r.keyguard(['staged', '--format', 'json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).stats.files).toBe(2);
  });

  it('works from a subdirectory, with repository-relative paths and the root config', () => {
    const r = repo();
    r.write(
      '.keyguard.json',
      JSON.stringify({ allowlist: { paths: [{ glob: 'deep/test/**', reason: 'fixtures' }] } }),
    );
    r.write('deep/readme.txt', 'x\n');
    r.commitAll('init');
    const c = fakeCredentials(25);
    r.write('deep/test/k.ini', credentialsFile(c));
    r.write('deep/app/k.ini', credentialsFile(c));
    r.git('add', '.');
    const res = r.keyguard(['staged', '--format', 'json'], join(r.dir, 'deep'));
    expect(res.code, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as {
      findings: { path: string }[];
      suppressed: { count: number };
    };
    expect([...new Set(report.findings.map((f) => f.path))]).toEqual(['deep/app/k.ini']);
    expect(report.suppressed.count).toBeGreaterThan(0);
  });

  it('parses raw+patch output defensively', () => {
    expect(() => parseStagedDiff(Buffer.from(':100644 100644 a b M\0x\0\0'))).toThrow(/refusing/);
  });
});
