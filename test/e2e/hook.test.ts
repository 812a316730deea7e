import { chmodSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  credentialsFile,
  type FakeCredentials,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

// Commits go through the hook `keyguard install` writes, with git processes for real.

const tempRepo = useTempRepos();

/** A fresh repository with the gate installed, removed after the test. */
function repo(): TempRepo {
  const r = tempRepo();
  const installed = r.keyguard(['install']);
  expect(installed.code, installed.stderr).toBe(0);
  return r;
}

function expectBlocked(
  r: TempRepo,
  result: { code: number; stdout: string; stderr: string },
  c: FakeCredentials,
) {
  const out = result.stdout + result.stderr;
  expect(result.code, out).not.toBe(0);
  expect(out).toMatch(/\d+ findings?/);
  expect(out).not.toContain(c.secret);
  expect(out).not.toContain(c.keyId);
  // Nothing was committed.
  expect(r.tryGit('log', '--oneline', '-1', '--', '.').stdout).not.toMatch(/blocked/);
}

function expectAllowed(result: { code: number; stdout: string; stderr: string }) {
  expect(result.code, result.stdout + result.stderr).toBe(0);
}

function head(r: TempRepo): string {
  return r.tryGit('rev-parse', '-q', '--verify', 'HEAD').stdout.trim();
}

describe('pre-commit hook, end to end', () => {
  it('first commit (no HEAD): blocked with a key, allowed without', () => {
    const r = repo();
    const c = fakeCredentials(1);
    r.write('creds.ini', credentialsFile(c));
    r.git('add', '.');
    expectBlocked(r, r.tryGit('commit', '-m', 'blocked'), c);
    expect(head(r)).toBe('');
    r.write('creds.ini', 'region = eu-west-1\n');
    r.git('add', '.');
    expectAllowed(r.tryGit('commit', '-m', 'allowed'));
    expect(head(r)).not.toBe('');
  });

  it('blocks an empty file whose name is a key pair: no added line, the name reaches the scan', () => {
    const r = repo();
    r.write('README.md', 'hi\n');
    r.commitAll('init');
    const c = fakeCredentials(3);
    const secret = c.secret.replaceAll('/', 'Q');
    r.write(`aws_access_key_id=${c.keyId},aws_secret_access_key=${secret}`, '');
    r.git('add', '.');
    const blocked = r.tryGit('commit', '-m', 'blocked');
    expectBlocked(r, blocked, { keyId: c.keyId, secret });
    expect(blocked.stdout + blocked.stderr).toContain('(in the name)');
  });

  it('plain commit after history exists', () => {
    const r = repo();
    r.write('README.md', 'hello\n');
    r.commitAll('init');
    const c = fakeCredentials(2);
    r.write('config/app.env', credentialsFile(c));
    r.git('add', 'config/app.env');
    expectBlocked(r, r.tryGit('commit', '-m', 'blocked'), c);
    r.write('config/app.env', 'LOG_LEVEL=debug\n');
    r.git('add', 'config/app.env');
    expectAllowed(r.tryGit('commit', '-m', 'allowed'));
  });

  it('commit -a scans the temporary index, not the old one', () => {
    const r = repo();
    r.write('settings.ini', 'x = 1\n');
    r.commitAll('init');
    const c = fakeCredentials(3);
    r.write('settings.ini', `x = 1\n${credentialsFile(c)}`);
    // Nothing staged: only `-a` brings the key into the commit.
    expectBlocked(r, r.tryGit('commit', '-a', '-m', 'blocked'), c);
    r.write('settings.ini', 'x = 2\n');
    expectAllowed(r.tryGit('commit', '-a', '-m', 'allowed'));
  });

  it('commit <paths> scans exactly the listed paths', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.write('keys.ini', 'none\n');
    r.commitAll('init');
    const c = fakeCredentials(4);
    r.write('keys.ini', credentialsFile(c));
    r.git('add', 'keys.ini');
    r.write('a.txt', 'a changed\n');
    // The staged key is not part of a commit of a.txt only.
    expectAllowed(r.tryGit('commit', '-m', 'only a', 'a.txt'));
    expectBlocked(r, r.tryGit('commit', '-m', 'blocked', 'keys.ini'), c);
  });

  it('partial staging: the index version counts, not the working tree', () => {
    const r = repo();
    r.write('app.cfg', 'a = 1\n');
    r.commitAll('init');
    const c = fakeCredentials(5);
    // Staged clean, key only in the working tree: allowed.
    r.write('app.cfg', 'a = 2\n');
    r.git('add', 'app.cfg');
    r.write('app.cfg', `a = 2\n${credentialsFile(c)}`);
    expectAllowed(r.tryGit('commit', '-m', 'allowed'));
    // Staged with the key, then removed from the working tree: blocked.
    r.git('add', 'app.cfg');
    r.write('app.cfg', 'a = 3\n');
    expectBlocked(r, r.tryGit('commit', '-m', 'blocked'), c);
    // Staged with the key, then deleted from the working tree: still blocked.
    r.write('app.cfg', credentialsFile(c));
    r.git('add', 'app.cfg');
    unlinkSync(join(r.dir, 'app.cfg'));
    expectBlocked(r, r.tryGit('commit', '-m', 'blocked'), c);
  });

  it('rename: a key moved to a new path is reported there, as tree and pre-push report it', () => {
    const r = repo();
    const old = fakeCredentials(6);
    r.write('old.ini', credentialsFile(old));
    r.commitAll('legacy key (committed before the gate)');
    r.git('mv', 'old.ini', 'new name.ini');
    expectBlocked(r, r.tryGit('commit', '-m', 'pure rename'), old);
    const c = fakeCredentials(7);
    r.write('new name.ini', `${credentialsFile(old)}\n${credentialsFile(c)}`);
    r.git('add', 'new name.ini');
    expectBlocked(r, r.tryGit('commit', '-m', 'rename with a new key'), c);
  });

  it('rename: a key an allowlisted path accepted is blocked once moved out of it', () => {
    const r = repo();
    const c = fakeCredentials(8);
    r.write(
      '.keyguard.json',
      JSON.stringify({
        allowlist: { paths: [{ glob: 'test/fixtures/**', reason: 'fake keys for tests' }] },
      }),
    );
    r.write('test/fixtures/creds.env', credentialsFile(c));
    r.commitAll('fixtures');
    r.git('mv', 'test/fixtures/creds.env', 'prod.env');
    expectBlocked(r, r.tryGit('commit', '-m', 'fixture promoted'), c);
    // Moved within the allowlisted folder: still accepted.
    r.git('reset', '-q', '--hard');
    r.git('mv', 'test/fixtures/creds.env', 'test/fixtures/renamed.env');
    expectAllowed(r.tryGit('commit', '-m', 'fixture renamed'));
  });

  it('merge: a key merged in from a branch is blocked; a clean merge is allowed', () => {
    const r = repo();
    r.write('base.txt', 'base\n');
    r.commitAll('init');
    r.git('checkout', '-q', '-b', 'clean');
    r.write('clean.txt', 'clean\n');
    r.commitAll('clean work');
    r.git('checkout', '-q', 'main');
    r.git('checkout', '-q', '-b', 'leaky');
    const c = fakeCredentials(8);
    r.write('leak.ini', credentialsFile(c));
    r.commitAll('leak (bypassed the gate)');
    r.git('checkout', '-q', 'main');
    r.write('main.txt', 'main\n');
    r.commitAll('main work');
    r.git('merge', '-q', '--no-ff', '--no-commit', 'leaky');
    expectBlocked(r, r.tryGit('commit', '-m', 'merge leaky'), c);
    r.git('merge', '--abort');
    r.git('merge', '-q', '--no-ff', '--no-commit', 'clean');
    expectAllowed(r.tryGit('commit', '-m', 'merge clean'));
  });

  it('worktree: the hook reads the worktree index', () => {
    const r = repo();
    r.write('README.md', 'hi\n');
    r.commitAll('init');
    const wt = join(r.dir, '..', 'wt');
    r.git('worktree', 'add', '-q', '-b', 'side', wt);
    const c = fakeCredentials(9);
    const inWt = (...args: string[]) => r.tryGit('-C', wt, ...args);
    r.write('../wt/side.ini', credentialsFile(c));
    expect(inWt('add', 'side.ini').code).toBe(0);
    expectBlocked(r, inWt('commit', '-m', 'blocked'), c);
    r.write('../wt/side.ini', 'ok\n');
    expect(inWt('add', 'side.ini').code).toBe(0);
    expectAllowed(inWt('commit', '-m', 'allowed'));
  });

  it('a hook that is not executable is reported by doctor, and the gate is off', () => {
    const r = repo();
    chmodSync(join(r.dir, '.git', 'hooks', 'pre-commit'), 0o644);
    const d = r.keyguard(['doctor']);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/not executable/);
  });
});
