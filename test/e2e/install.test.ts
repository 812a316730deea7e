import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';

/** A fresh repository per call, removed after each test. */
const repo = useTempRepos();

const read = (path: string) => readFileSync(path, 'utf8');

describe('keyguard install', () => {
  it('without husky: writes an executable hook, idempotently, and uninstalls it', () => {
    const r = repo();
    const hook = join(r.dir, '.git', 'hooks', 'pre-commit');
    expect(r.keyguard(['install']).code).toBe(0);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    const once = read(hook);
    expect(once.startsWith('#!/bin/sh\n')).toBe(true);
    expect(once).toMatch(/keyguard-pre-commit/);
    const again = r.keyguard(['install']);
    expect(again.stdout).toMatch(/unchanged/);
    expect(read(hook)).toBe(once);
    expect(r.keyguard(['install', '--uninstall']).code).toBe(0);
    expect(existsSync(hook)).toBe(false);
  });

  it('puts its block first in an existing hook and leaves the rest on uninstall', () => {
    const r = repo();
    const hook = join(r.dir, '.git', 'hooks', 'pre-commit');
    mkdirSync(join(r.dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\necho mine\n', { mode: 0o755 });
    r.keyguard(['install']);
    expect(read(hook)).toMatch(
      /^#!\/bin\/sh\n# >>> keyguard[\s\S]*# <<< keyguard <<<\necho mine\n$/,
    );
    r.keyguard(['install', '--uninstall']);
    expect(read(hook)).toBe('#!/bin/sh\necho mine\n');
  });

  it('respects core.hooksPath', () => {
    const r = repo();
    r.git('config', 'core.hooksPath', '.githooks');
    const res = r.keyguard(['install']);
    expect(res.stdout).toMatch(/\.githooks/);
    expect(read(join(r.dir, '.githooks', 'pre-commit'))).toMatch(/keyguard-pre-commit/);
    expect(existsSync(join(r.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });

  it('with husky: puts its line first in .husky/pre-commit, never touching package.json', () => {
    const r = repo();
    mkdirSync(join(r.dir, '.husky'));
    const pkg = '{ "name": "x", "scripts": { "prepare": "husky" } }\n';
    writeFileSync(join(r.dir, 'package.json'), pkg);
    writeFileSync(join(r.dir, '.husky', 'pre-commit'), 'npm test');
    const res = r.keyguard(['install']);
    expect(res.code).toBe(0);
    // husky not yet activated in this clone: said so.
    expect(res.stdout).toMatch(/husky is not active/);
    expect(read(join(r.dir, '.husky', 'pre-commit'))).toBe('keyguard-pre-commit\nnpm test\n');
    r.keyguard(['install']);
    expect(read(join(r.dir, '.husky', 'pre-commit'))).toBe('keyguard-pre-commit\nnpm test\n');
    expect(read(join(r.dir, 'package.json'))).toBe(pkg);
    r.keyguard(['install', '--uninstall']);
    expect(read(join(r.dir, '.husky', 'pre-commit'))).toBe('npm test\n');
  });

  it('with husky active: the appended line blocks a commit, and doctor agrees', () => {
    const r = repo();
    const husky = spawnSync(
      'node',
      [join(import.meta.dirname, '../../node_modules/husky/bin.js')],
      {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      },
    );
    expect(husky.status, husky.stderr).toBe(0);
    expect(r.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
    const res = r.keyguard(['install']);
    expect(res.stdout).not.toMatch(/not active/);
    expect(read(join(r.dir, '.husky', 'pre-commit'))).toBe('keyguard-pre-commit\n');
    const c = fakeCredentials(31);
    r.write('k.ini', credentialsFile(c));
    r.git('add', 'k.ini');
    const blocked = r.tryGit('commit', '-m', 'leak');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toMatch(/finding/);
    const doctor = r.keyguard(['doctor']);
    expect(doctor.stdout).toMatch(/husky is active/);
    expect(doctor.code, doctor.stdout).toBe(0);
  });
});

describe('keyguard doctor', () => {
  it('passes when the hook is installed and keyguard is on its PATH', () => {
    const r = repo();
    r.keyguard(['install']);
    const res = r.keyguard(['doctor']);
    expect(res.stdout).toMatch(/blocked by keyguard/);
    expect(res.stdout).toMatch(/harmless commit goes through/);
    expect(res.code, res.stdout).toBe(0);
  });

  it('reports a missing hook, and skips the live test (nothing runs the gate)', () => {
    const r = repo();
    const res = r.keyguard(['doctor']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/no pre-commit hook/);
    expect(res.stdout).toMatch(/live test skipped/);
  });

  it('a hook that lets keys through fails the live test', () => {
    const r = repo();
    mkdirSync(join(r.dir, '.git', 'hooks'), { recursive: true });
    // Runs the gate, but ignores its verdict.
    writeFileSync(
      join(r.dir, '.git', 'hooks', 'pre-commit'),
      '#!/bin/sh\nkeyguard-pre-commit || true\n',
      {
        mode: 0o755,
      },
    );
    const res = r.keyguard(['doctor']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/went through/);
  });

  it('reports core.hooksPath pointing away from the installed hook', () => {
    const r = repo();
    r.keyguard(['install']);
    r.git('config', 'core.hooksPath', 'elsewhere');
    const res = r.keyguard(['doctor']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/core\.hooksPath points to elsewhere/);
  });

  it('reports keyguard missing from the hook PATH', () => {
    const r = repo();
    r.keyguard(['install']);
    const env = { ...r.env, PATH: (r.env.PATH ?? '').split(':').slice(1).join(':') };
    const res = spawnSync('node', [join(import.meta.dirname, '../../bin/keyguard.js'), 'doctor'], {
      cwd: r.dir,
      env,
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stdout).toMatch(/not on the hook's PATH/);
  });
});
