import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

const repo = useTempRepos();

interface Remote {
  readonly r: TempRepo;
  /** A private TMPDIR for keyguard: empty again once each run is over. */
  readonly tmp: string;
  run(args: readonly string[], cwd?: string): { code: number; stdout: string; stderr: string };
}

/** A repository with a key in its history (removed since) and one on a side branch. */
function remote(): Remote {
  const r = repo();
  const tmp = join(r.dir, '..', 'tmp');
  mkdirSync(tmp);
  r.write('README.md', 'hello\n');
  r.commitAll('init');
  r.write('old.ini', credentialsFile(fakeCredentials(401)));
  r.commitAll('old key');
  r.git('rm', '-q', 'old.ini');
  r.commitAll('removed');
  r.git('checkout', '-q', '-b', 'side');
  r.write('side.ini', credentialsFile(fakeCredentials(402)));
  r.commitAll('side key');
  r.git('checkout', '-q', 'main');
  return {
    r,
    tmp,
    run(args, cwd = join(r.dir, '..', 'home')) {
      const res = spawnSync('node', [CLI, ...args], {
        cwd,
        env: { ...r.env, TMPDIR: tmp },
        encoding: 'utf8',
      });
      return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
    },
  };
}

function paths(stdout: string): string[] {
  return (JSON.parse(stdout) as { findings: { path: string }[] }).findings
    .map((f) => f.path)
    .sort();
}

describe('keyguard history <url> / tree <url>', () => {
  it('history file://: clones every branch into a temporary folder, scans, removes it', () => {
    const s = remote();
    const url = `file://${s.r.dir}`;
    const res = s.run(['history', url, '-f', 'json']);
    expect(res.code, res.stderr).toBe(1);
    expect(paths(res.stdout)).toEqual(['old.ini', 'side.ini']);
    const cov = (JSON.parse(res.stdout) as { coverage: { range: string } }).coverage;
    expect(cov.range).toBe(`${url}: all refs`);
    expect(readdirSync(s.tmp)).toEqual([]);
    // Revisions after the URL aim inside the clone.
    const main = s.run(['history', url, 'main', '-f', 'json']);
    expect(paths(main.stdout)).toEqual(['old.ini']);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('history with a local path (absolute or ./relative); a bare word is still a revision', () => {
    const s = remote();
    const abs = s.run(['history', s.r.dir, '-f', 'json']);
    expect(paths(abs.stdout)).toEqual(['old.ini', 'side.ini']);
    const home = join(s.r.dir, '..', 'home');
    const rel = s.run(['history', `./${relative(home, s.r.dir)}`, '--branches=si*', '-f', 'json']);
    expect(rel.code, rel.stderr).toBe(1);
    expect(paths(rel.stdout)).toEqual(['old.ini', 'side.ini']);
    // In the repository itself, `side` is a branch, not a folder.
    expect(paths(s.run(['history', 'side', '-f', 'json'], s.r.dir).stdout)).toEqual([
      'old.ini',
      'side.ini',
    ]);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('tree file://: the tip of the default branch, or of --branch; the clone is removed', () => {
    const s = remote();
    const url = `file://${s.r.dir}`;
    const main = s.run(['tree', url, '-f', 'json']);
    expect(main.code, main.stderr).toBe(0);
    expect(paths(main.stdout)).toEqual([]);
    const side = s.run(['tree', url, '--branch', 'side', '-f', 'json']);
    expect(side.code).toBe(1);
    expect(paths(side.stdout)).toEqual(['side.ini']);
    expect(readdirSync(s.tmp)).toEqual([]);
    expect(s.run(['tree', url, 'more']).code).toBe(2);
  });

  it("the scanned repository's own .keyguard.json and baseline do not apply", () => {
    const s = remote();
    s.r.git('checkout', '-q', 'side');
    s.r.write(
      '.keyguard.json',
      JSON.stringify({ allowlist: { paths: [{ glob: '**', reason: 'hide everything' }] } }),
    );
    s.r.commitAll('allowlist everything');
    expect(s.r.keyguard(['tree']).code).toBe(0);
    const res = s.run(['tree', `file://${s.r.dir}`, '--branch', 'side', '-f', 'json']);
    expect(res.code).toBe(1);
    expect(paths(res.stdout)).toEqual(['side.ini']);
  });

  it('a URL with a password is never printed; a failed clone leaves nothing behind', () => {
    const s = remote();
    const url = 'https://someone:hunter2-secret@127.0.0.1:1/repo.git';
    for (const args of [
      ['history', url],
      ['tree', url],
    ]) {
      const res = s.run(args);
      expect(res.code).toBe(2);
      expect(res.stdout + res.stderr).not.toContain('hunter2');
      expect(res.stderr).toMatch(/cannot clone https:\/\/\*\*\*@127\.0\.0\.1:1\/repo\.git/);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
    const missing = s.run(['history', `file://${s.r.dir}-nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot clone/);
    expect(readdirSync(s.tmp)).toEqual([]);
  });

  it('Ctrl-C during the clone or the scan removes the temporary folder', async () => {
    const s = remote();
    // Enough content that the clone and the scan take a while: random, so git cannot shrink it.
    writeFileSync(join(s.r.dir, 'big.bin'), randomBytes(48 * 1024 * 1024));
    s.r.commitAll('big');
    const child = spawn('node', [CLI, 'history', `file://${s.r.dir}`], {
      cwd: s.r.dir,
      env: { ...s.r.env, TMPDIR: s.tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('close', (code) => resolve(code)),
    );
    // Wait until git is writing into the clone folder (keyguard traps the signal before git
    // starts; an earlier signal finds node's default handler), then interrupt.
    const cloning = () =>
      readdirSync(s.tmp).some(
        (n) => n.startsWith('keyguard-clone-') && readdirSync(join(s.tmp, n)).length > 0,
      );
    for (let i = 0; i < 800 && !cloning(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(cloning()).toBe(true);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(readdirSync(s.tmp)).toEqual([]);
  }, 60_000);
});
