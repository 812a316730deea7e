import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';

// The real pre-commit framework (https://pre-commit.com) installing this repository's
// .pre-commit-hooks.yaml at HEAD, as a user's config would: `npm install -g git+file://…`, which
// builds dist/ through `prepare`. Committed code only: uncommitted edits are not in the clone.
// CI installs pre-commit into a venv and names it in KEYGUARD_TEST_PRE_COMMIT; without it (or
// without `pre-commit` on PATH) this file is skipped and says so.

const ROOT = resolve(import.meta.dirname, '../..');

function findPreCommit(): string | undefined {
  const named = process.env.KEYGUARD_TEST_PRE_COMMIT;
  if (named !== undefined && named !== '' && existsSync(named)) return named;
  const r = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'pre-commit' : undefined;
}

const PRE_COMMIT = findPreCommit();
const tempRepo = useTempRepos();
const preCommitHome = mkdtempSync(join(tmpdir(), 'kg-pre-commit-home-'));
afterAll(() => rmSync(preCommitHome, { recursive: true, force: true }));

describe.skipIf(PRE_COMMIT === undefined)('pre-commit framework: .pre-commit-hooks.yaml', () => {
  it('installs keyguard from git, blocks a commit and a push with a key, allows clean ones', () => {
    const pc = PRE_COMMIT as string;
    const r = tempRepo();
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    r.write(
      '.pre-commit-config.yaml',
      `repos:\n  - repo: ${ROOT}\n    rev: ${head}\n    hooks:\n      - id: keyguard\n      - id: keyguard-push\n`,
    );
    const env = { ...r.env, PRE_COMMIT_HOME: preCommitHome };
    const run = (cmd: string, args: string[], extra: Record<string, string> = {}) =>
      spawnSync(cmd, args, { cwd: r.dir, env: { ...env, ...extra }, encoding: 'utf8' });

    // npm reads its registry settings from the real HOME (pre-commit unsets NPM_CONFIG_USERCONFIG);
    // git keeps ignoring the machine's config.
    const install = run(pc, ['install-hooks'], { HOME: homedir(), GIT_CONFIG_GLOBAL: '/dev/null' });
    expect(install.status, install.stdout + install.stderr).toBe(0);
    const hooks = run(pc, ['install', '--hook-type', 'pre-commit', '--hook-type', 'pre-push']);
    expect(hooks.status, hooks.stderr).toBe(0);

    r.git('add', '.pre-commit-config.yaml');
    const clean = run('git', ['commit', '-q', '-m', 'config']);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);

    const c = fakeCredentials(31);
    r.write('creds.ini', credentialsFile(c));
    r.git('add', 'creds.ini');
    const blocked = run('git', ['commit', '-q', '-m', 'leak']);
    const said = blocked.stdout + blocked.stderr;
    expect(blocked.status, said).not.toBe(0);
    expect(said).toMatch(/keyguard \(AWS keys in staged changes\)\.*Failed/);
    expect(said).toMatch(/1 finding \(1 high\)/);
    expect(said).not.toContain(c.secret);
    expect(said).not.toContain(c.keyId);

    // The push hook: a first push reaches the root commit (pre-commit names the branch, no range).
    const remote = join(r.dir, '..', 'remote.git');
    r.git('init', '-q', '--bare', remote);
    r.git('remote', 'add', 'origin', remote);
    const first = run('git', ['push', '-q', 'origin', 'main']);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    r.git('commit', '-q', '--no-verify', '-m', 'leak past the commit hook');
    const push = run('git', ['push', '-q', 'origin', 'main']);
    const pushed = push.stdout + push.stderr;
    expect(push.status, pushed).not.toBe(0);
    expect(pushed).toMatch(/keyguard \(AWS keys in pushed commits\)\.*Failed/);
    expect(pushed).not.toContain(c.secret);
    expect(r.git('ls-remote', remote, 'refs/heads/main').split('\t')[0]).not.toBe(
      r.git('rev-parse', 'HEAD').trim(),
    );
  }, 300_000);
});
