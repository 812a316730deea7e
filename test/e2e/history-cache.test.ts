import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipBuffer } from '../helpers/archive-writers.js';
import {
  credentialsFile,
  type FakeCredentials,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';
import { assertBuilt } from '../helpers/run-cli.js';

interface JsonReport {
  findings: { kind: string; ruleId: string; path: string; commit?: { sha: string } }[];
  warnings: { code: string; message: string }[];
  coverage: Record<string, string | number | boolean>;
}

const CLI = resolve(import.meta.dirname, '../../bin/keyguard.js');
const PACK = resolve(import.meta.dirname, '../../fixtures/rule-packs/valid/internal-keys.json');
const repo = useTempRepos();

beforeAll(() => {
  assertBuilt();
});

function history(r: TempRepo, args: readonly string[] = [], cwd?: string) {
  const res = r.keyguard(['history', '--format', 'json', ...args], cwd);
  expect(res.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  expect(res.stdout, res.stderr).not.toBe('');
  const report = JSON.parse(res.stdout) as JsonReport;
  return { code: res.code, report, stderr: res.stderr };
}

/** Plain source files: no keyword of any rule, so a scan reads each blob and remembers it clean. */
function plainFiles(r: TempRepo, count: number, tag: string): void {
  for (let i = 0; i < count; i++) {
    r.write(`src/${tag}-${i}.ts`, `export const value${i} = '${tag} ${i} ${'x'.repeat(i)}';\n`);
  }
}

function cacheFiles(r: TempRepo): string[] {
  const dir = join(r.dir, '.git', 'keyguard');
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.cache'))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

function onlyCache(r: TempRepo): string {
  const files = cacheFiles(r);
  expect(files).toHaveLength(1);
  return files[0] as string;
}

/** A cache file in keyguard's layout, signed with a key that is not the user's. */
function forgedCache(
  ids: readonly string[],
  commits: readonly string[],
  setupHash: Buffer,
): Buffer {
  const sorted = ids.map((h) => Buffer.from(h, 'hex')).sort(Buffer.compare);
  const walked = commits.map((h) => Buffer.from(h, 'hex')).sort(Buffer.compare);
  const head = Buffer.alloc(4 + 1 + 1 + 32 + 4 + 4);
  head.write('KGHC', 0, 'latin1');
  head[4] = 2;
  head[5] = 20;
  setupHash.copy(head, 6);
  head.writeUInt32BE(sorted.length, 38);
  head.writeUInt32BE(walked.length, 42);
  const body = Buffer.concat([head, ...sorted, ...walked]);
  return Buffer.concat([body, createHmac('sha256', randomBytes(32)).update(body).digest()]);
}

function blobsOf(r: TempRepo): string[] {
  return r
    .git('rev-list', '--all', '--objects')
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[0] as string)
    .filter((id) => r.git('cat-file', '-t', id).trim() === 'blob');
}

function keyCommit(r: TempRepo, c: FakeCredentials, path = 'deploy/app.ini'): string {
  r.write(path, credentialsFile(c));
  return r.commitAll('add settings');
}

describe('history cache: rescans read only what is new', () => {
  it('a rerun after new commits reads only the new blobs, and says how many came from the cache', () => {
    const r = repo();
    plainFiles(r, 30, 'first');
    r.commitAll('first');
    const one = history(r);
    expect(one.code).toBe(0);
    expect(one.report.coverage).toMatchObject({
      commits: 1,
      commitsFromCache: 0,
      blobs: 30,
      blobsFromCache: 0,
      cache: 'new',
    });
    expect(statSync(onlyCache(r)).mode & 0o077).toBe(0);

    // Nothing new: the one commit is remembered whole, so not even listed with its blobs.
    const same = history(r);
    expect(same.report.coverage).toMatchObject({
      commits: 1,
      commitsFromCache: 1,
      commitsInRange: 1,
      blobs: 0,
      cache: 'used',
    });

    plainFiles(r, 4, 'second');
    r.commitAll('second');
    r.write('src/first-0.ts', 'export const changed = 1;\n');
    // A file brought back with content seen before: its blob comes from the cache.
    r.write('src/copy.ts', readFileSync(join(r.dir, 'src/first-1.ts')));
    r.commitAll('third');
    const two = history(r);
    expect(two.code).toBe(0);
    // 4 new files and 1 changed one are read; the copy is known; the first commit is not walked.
    expect(two.report.coverage).toMatchObject({
      commits: 3,
      commitsFromCache: 1,
      blobs: 5,
      blobsFromCache: 1,
      cache: 'used',
    });
    expect(two.stderr).toBe('');
    // The human summary shows the same counts.
    const human = r.keyguard(['history']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /commits: 3, commits in range: 3, .*blobs: 0,.* cache: used, commits from cache: 3/,
    );
  });

  it('aimed scans skip remembered commits; a pathspec scan remembers blobs, never commits', () => {
    const r = repo();
    plainFiles(r, 5, 'one');
    const c1 = r.commitAll('one');
    const key = keyCommit(r, fakeCredentials(12));
    plainFiles(r, 2, 'three');
    const c3 = r.commitAll('three');
    const narrowed = history(r, ['--', 'src/']);
    expect(narrowed.report.coverage).toMatchObject({ commits: 2, commitsFromCache: 0, blobs: 7 });
    // The narrowed walk saw part of each commit: no commit is remembered, every blob is.
    const full = history(r);
    expect(full.code).toBe(1);
    expect(full.report.coverage).toMatchObject({
      commits: 3,
      commitsFromCache: 0,
      blobs: 1,
      blobsFromCache: 7,
    });
    const range = history(r, [`${key}..${c3}`]);
    expect(range.code).toBe(0);
    expect(range.report.coverage).toMatchObject({ commits: 1, commitsFromCache: 1, blobs: 0 });
    const union = history(r, [`${c1}..${key}`, `${key}..${c3}`]);
    expect(union.code).toBe(1);
    expect(union.report.findings.some((f) => f.commit?.sha === key)).toBe(true);
    expect(union.report.coverage).toMatchObject({ commits: 2, commitsFromCache: 1, blobs: 1 });
    const single = history(r, [`${key}^!`]);
    expect(single.code).toBe(1);
    expect(single.report.coverage).toMatchObject({ commits: 1, commitsFromCache: 0 });
  });

  it('findings are reported on every rerun: blobs that reached the engine are never remembered', () => {
    const r = repo();
    plainFiles(r, 10, 'a');
    r.commitAll('plain');
    const key = fakeCredentials(7);
    const sha = keyCommit(r, key);
    r.write('deploy/app.ini', '[default]\nregion = eu-west-1\n');
    r.commitAll('remove the key again');
    for (let run = 0; run < 3; run++) {
      const res = history(r);
      expect(res.code).toBe(1);
      const pairs = res.report.findings.filter((f) => f.kind === 'credential-pair');
      expect(pairs.map((f) => f.commit?.sha)).toEqual([sha]);
      // The key's blob is read every time; the plain ones only the first time.
      if (run > 0) {
        expect(res.report.coverage).toMatchObject({ commits: 3, commitsFromCache: 2, blobs: 1 });
      }
    }
  });

  it('a key inside an archive whose own bytes hold no keyword is read again on every run', () => {
    const r = repo();
    const key = fakeCredentials(8);
    const zip = zipBuffer([
      { name: 'conf/settings.ini', data: Buffer.from(credentialsFile(key)), method: 8 },
    ]);
    // The test only means something if the raw zip has no keyword the prefilter would see.
    expect(/AKIA|cret|CRET|ASIA/.test(zip.toString('latin1'))).toBe(false);
    r.write('bundle.zip', zip);
    plainFiles(r, 3, 'p');
    r.commitAll('bundle');
    for (let run = 0; run < 2; run++) {
      const res = history(r);
      expect(res.code).toBe(1);
      expect(res.report.findings.some((f) => f.path.startsWith('bundle.zip!'))).toBe(true);
    }
    expect(history(r).report.coverage).toMatchObject({ blobs: 1, blobsFromCache: 3 });
  });

  it('an archive entry that could not be read is never remembered, and the scan says so each time', () => {
    const r = repo();
    // An encrypted entry cannot be opened: the scan is incomplete, and stays so on a rerun.
    const zip = zipBuffer([{ name: 'sealed.ini', data: Buffer.from('x = 1\n'), flags: 1 }]);
    r.write('sealed.zip', zip);
    r.commitAll('sealed');
    for (let run = 0; run < 2; run++) {
      const res = history(r);
      expect(res.code).toBe(2);
      expect(res.report.coverage).toMatchObject({ blobs: 1, blobsFromCache: 0 });
    }
  });

  it('another rule pack or config starts over: a blob clean under the old rules is read again', () => {
    const r = repo();
    const token = `kgdt_${randomBytes(24)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 32)
      .padEnd(32, 'q')}`;
    r.write('deploy.env', `DEPLOY_TOKEN=${token}\n`);
    plainFiles(r, 5, 'c');
    r.commitAll('token');
    const plain = history(r);
    expect(plain.code).toBe(0);
    expect(plain.report.coverage).toMatchObject({ blobs: 6, blobsFromCache: 0 });
    expect(history(r).report.coverage).toMatchObject({ blobs: 0, commitsFromCache: 1 });

    const withPack = history(r, ['--rules', PACK]);
    expect(withPack.code).toBe(1);
    expect(withPack.report.findings.map((f) => f.ruleId)).toContain('internal-deploy-token');
    expect(withPack.report.coverage).toMatchObject({ blobsFromCache: 0, cache: 'restarted' });
    // And back: the default rules' cache was replaced, so it starts over once more.
    expect(history(r).report.coverage).toMatchObject({ blobsFromCache: 0, cache: 'restarted' });

    // The config is part of the key too (even a setting that only drops findings).
    writeFileSync(join(r.dir, '.keyguard.json'), JSON.stringify({ failOn: 'high' }));
    expect(history(r).report.coverage).toMatchObject({ blobsFromCache: 0, cache: 'restarted' });
    expect(history(r).report.coverage).toMatchObject({ blobs: 0, cache: 'used' });
    // --max-file-size changes what is skipped: part of the key as well.
    expect(history(r, ['--max-file-size', '1m']).report.coverage).toMatchObject({
      cache: 'restarted',
    });
  });

  it('--no-cache reads every blob and leaves the cache as it was', () => {
    const r = repo();
    plainFiles(r, 12, 'n');
    r.commitAll('n');
    history(r);
    const file = onlyCache(r);
    const before = readFileSync(file);
    plainFiles(r, 2, 'm');
    r.commitAll('m');
    const res = history(r, ['--no-cache']);
    expect(res.report.coverage.blobs).toBe(14);
    expect(res.report.coverage).not.toHaveProperty('blobsFromCache');
    expect(res.report.coverage).not.toHaveProperty('cache');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(r.keyguard(['history', '--help']).stdout).toMatch(/--no-cache/);
  });

  it('a baseline change is respected: accepted findings come back when the baseline goes', () => {
    const r = repo();
    keyCommit(r, fakeCredentials(9));
    plainFiles(r, 3, 'b');
    r.commitAll('more');
    expect(history(r).code).toBe(1);
    expect(r.keyguard(['baseline']).code).toBe(0);
    const accepted = history(r);
    expect(accepted.code).toBe(0);
    expect(accepted.report.findings).toEqual([]);
    rmSync(join(r.dir, '.keyguard-baseline.json'));
    const back = history(r);
    expect(back.code).toBe(1);
    expect(back.report.findings.length).toBeGreaterThan(0);
    expect(back.report.coverage).toMatchObject({ cache: 'used', commits: 2, commitsFromCache: 1 });
  });
});

describe('history cache: a cache nobody can trust is ignored, never believed', () => {
  function keyRepo() {
    const r = repo();
    plainFiles(r, 6, 't');
    r.commitAll('plain');
    const sha = keyCommit(r, fakeCredentials(11));
    expect(history(r).code).toBe(1);
    return { r, sha, file: onlyCache(r) };
  }

  it('a forged cache naming the key blob (signed with another key) suppresses nothing', () => {
    const { r, sha, file } = keyRepo();
    const genuine = readFileSync(file);
    const setupHash = genuine.subarray(6, 38);
    const commits = r.git('rev-list', '--all').trim().split('\n');
    writeFileSync(file, forgedCache(blobsOf(r), commits, Buffer.from(setupHash)));
    const res = history(r);
    expect(res.code).toBe(1);
    expect(res.report.findings.some((f) => f.commit?.sha === sha)).toBe(true);
    expect(res.report.coverage).toMatchObject({ cache: 'ignored', blobsFromCache: 0, blobs: 7 });
    expect(res.report.warnings.map((w) => w.message)).toEqual([
      'history cache did not verify (edited, damaged, or made by someone else): every blob is read',
    ]);
    expect(res.stderr).toMatch(/^keyguard: warning: history cache did not verify/m);
    // Rewritten with the user's key: the next run trusts it again.
    expect(history(r).report.coverage).toMatchObject({ cache: 'used', commitsFromCache: 1 });
  });

  it('an edited byte, a truncated file, garbage, a folder or a link: one warning, every blob read', () => {
    const { r, sha, file } = keyRepo();
    const genuine = readFileSync(file);
    const flipped = Buffer.from(genuine);
    flipped[50] = (flipped[50] ?? 0) ^ 1;
    const other = join(r.dir, '..', 'elsewhere.cache');
    writeFileSync(other, genuine);
    const cases: [string, () => void, RegExp][] = [
      ['edited', () => writeFileSync(file, flipped), /did not verify/],
      ['truncated', () => writeFileSync(file, genuine.subarray(0, 30)), /not a keyguard/],
      ['garbage', () => writeFileSync(file, randomBytes(5000)), /not a keyguard/],
      ['empty', () => writeFileSync(file, ''), /not a keyguard/],
      ['folder', () => mkdirSync(file), /unreadable \(not a regular file\)|unreadable \(EISDIR\)/],
      ['link', () => symlinkSync(other, file), /unreadable \(ELOOP\)/],
    ];
    for (const [what, plant, message] of cases) {
      rmSync(file, { recursive: true, force: true });
      plant();
      const res = history(r);
      expect(res.code, what).toBe(1);
      expect(
        res.report.findings.some((f) => f.commit?.sha === sha),
        what,
      ).toBe(true);
      expect(res.report.coverage.blobsFromCache, what).toBe(0);
      const lines = res.stderr.split('\n').filter((l) => l !== '');
      expect(lines.length, `${what}: ${res.stderr}`).toBeGreaterThanOrEqual(1);
      expect(lines.join('\n'), what).toMatch(message);
    }
  });

  it('a cache copied from another user (another key) is not even opened', () => {
    const { r, file } = keyRepo();
    // Another HOME is another user's private folder, so another key and another file name.
    const home2 = join(r.dir, '..', 'home2');
    mkdirSync(home2, { mode: 0o700 });
    const env = { ...r.env, HOME: home2, XDG_CONFIG_HOME: join(home2, '.config') };
    const run = () => {
      const res = spawnSyncCli(r.dir, env);
      return JSON.parse(res.stdout) as JsonReport;
    };
    expect(run().coverage).toMatchObject({ cache: 'new', blobsFromCache: 0 });
    expect(run().coverage).toMatchObject({ cache: 'used', commitsFromCache: 1 });
    expect(cacheFiles(r)).toHaveLength(2);
    expect(cacheFiles(r)).toContain(file);
  });

  it('no cache at all when the key in the private folder is readable by others', () => {
    const r = repo();
    plainFiles(r, 3, 'k');
    r.commitAll('k');
    history(r);
    const key = join(r.env.HOME as string, '.cache', 'keyguard', 'history-cache.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    chmodSync(key, 0o644);
    const res = history(r);
    expect(res.report.coverage).not.toHaveProperty('cache');
    expect(res.report.coverage.blobs).toBe(3);
  });

  it('a cache that cannot be saved is one warning, never a failed scan', () => {
    const r = repo();
    plainFiles(r, 3, 's');
    r.commitAll('s');
    // A file where the cache folder should be: nothing can be written under it.
    writeFileSync(join(r.dir, '.git', 'keyguard'), 'not a folder');
    const res = history(r);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^keyguard: warning: could not save the history cache \((ENOTDIR|EEXIST)\): the next run reads every blob again$/m,
    );
    expect(res.report.coverage.blobs).toBe(3);
  });

  it('a link planted in place of the cache folder is not followed: nothing is written where it points', () => {
    const r = repo();
    plainFiles(r, 3, 'l');
    r.commitAll('l');
    const elsewhere = join(r.dir, '..', 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(r.dir, '.git', 'keyguard'));
    const res = history(r);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(
      /^keyguard: warning: could not save the history cache \(its folder is a symbolic link, which keyguard does not follow\): the next run reads every blob again$/m,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(res.report.coverage.blobs).toBe(3);
  });

  it('runs at the same time leave a cache that verifies and holds both runs', async () => {
    const r = repo();
    plainFiles(r, 40, 'p');
    r.commitAll('p');
    const runs = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<number>((done) => {
            const child = spawn('node', [CLI, 'history', '--format', 'json'], {
              cwd: r.dir,
              env: r.env,
              stdio: 'ignore',
            });
            child.on('close', (code) => done(code ?? -1));
          }),
      ),
    );
    expect(runs).toEqual([0, 0, 0]);
    const after = history(r);
    expect(after.report.coverage).toMatchObject({ cache: 'used', blobs: 0, commitsFromCache: 1 });
    expect(after.stderr).toBe('');
    // No temporary file is left behind.
    expect(readdirSync(join(r.dir, '.git', 'keyguard')).filter((n) => n.endsWith('.tmp'))).toEqual(
      [],
    );
  });
});

describe('history cache: where it lives', () => {
  it('worktrees share the repository cache (it lives in the common git folder)', () => {
    const r = repo();
    plainFiles(r, 5, 'w');
    r.commitAll('w');
    history(r);
    const wt = join(r.dir, '..', 'wt');
    r.git('worktree', 'add', '-q', wt, '-b', 'side');
    const fromWorktree = history(r, [], wt);
    expect(fromWorktree.report.coverage).toMatchObject({ cache: 'used', commitsFromCache: 1 });
    expect(cacheFiles(r)).toHaveLength(1);
    expect(readdirSync(join(r.dir, '.git', 'worktrees', 'wt'))).not.toContain('keyguard');
  });

  it('a temporary clone never uses it: history <url> reads everything', () => {
    const r = repo();
    plainFiles(r, 4, 'g');
    r.commitAll('g');
    history(r);
    const url = `file://${r.dir}`;
    const remote = history(r, [url]);
    expect(remote.report.coverage.blobs).toBe(4);
    expect(remote.report.coverage).not.toHaveProperty('cache');
  });
});

function spawnSyncCli(cwd: string, env: Record<string, string>) {
  const res = spawnSync('node', [CLI, 'history', '--format', 'json'], {
    cwd,
    env,
    encoding: 'utf8',
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
