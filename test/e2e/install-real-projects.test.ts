import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GATE_COMMAND } from '../../src/cli/pre-commit-hook.js';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

const repo = useTempRepos();
const HUSKY_BIN = resolve(import.meta.dirname, '../../node_modules/husky/bin.js');
const read = (path: string) => readFileSync(path, 'utf8');
const extra: string[] = [];
afterEach(() => {
  for (const d of extra.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project as `npm init -y` leaves it (its test script fails), then the real `husky init`. */
function huskyProject(): TempRepo {
  const r = repo();
  writeFileSync(
    join(r.dir, 'package.json'),
    `${JSON.stringify({ name: 'app', version: '1.0.0', scripts: { test: 'echo "Error: no test specified" && exit 1' } }, null, 2)}\n`,
  );
  const init = spawnSync('node', [HUSKY_BIN, 'init'], { cwd: r.dir, env: r.env, encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
  expect(read(join(r.dir, '.husky', 'pre-commit'))).toBe('npm test\n');
  return r;
}

function stageKey(r: TempRepo, seed: number): void {
  r.write('deploy.ini', credentialsFile(fakeCredentials(seed)));
  r.git('add', 'deploy.ini');
}

describe('keyguard install with real husky 9', () => {
  it('goes first, before npm test and a formatter, never after an exit; idempotent', () => {
    const r = huskyProject();
    const hook = join(r.dir, '.husky', 'pre-commit');
    writeFileSync(hook, 'npm test\nnpx prettier --check .\nexit 0\n');
    const first = r.keyguard(['install']);
    expect(first.code, first.stderr).toBe(0);
    expect(read(hook)).toBe('keyguard-pre-commit\nnpm test\nnpx prettier --check .\nexit 0\n');
    const again = r.keyguard(['install']);
    expect(again.stdout).toMatch(/unchanged/);
    expect(read(hook)).toBe('keyguard-pre-commit\nnpm test\nnpx prettier --check .\nexit 0\n');
  });

  it('replaces an older keyguard line (appended last, or npx keyguard staged) instead of adding one', () => {
    const r = huskyProject();
    const hook = join(r.dir, '.husky', 'pre-commit');
    writeFileSync(hook, 'npm test\nnpx keyguard staged\nkeyguard-pre-commit\n');
    const res = r.keyguard(['install']);
    expect(res.stdout).toMatch(/replaced an older keyguard line: npx keyguard staged/);
    expect(read(hook)).toBe('keyguard-pre-commit\nnpm test\n');
    // A line with the user's own flags is kept, and moved first.
    writeFileSync(hook, 'npm test\nkeyguard-pre-commit --fail-on high\n');
    r.keyguard(['install']);
    expect(read(hook)).toBe('keyguard-pre-commit --fail-on high\nnpm test\n');
  });

  it('blocks a key before npm test runs, says what to do; a clean commit adds no keyguard output', () => {
    const r = huskyProject();
    writeFileSync(
      join(r.dir, 'package.json'),
      `${JSON.stringify({ name: 'app', version: '1.0.0', scripts: { test: "node -e \"require('fs').writeFileSync('tests-ran','')\"", prepare: 'husky' } }, null, 2)}\n`,
    );
    writeFileSync(join(r.dir, '.gitignore'), 'tests-ran\n');
    expect(r.keyguard(['install']).code).toBe(0);
    stageKey(r, 7101);
    const blocked = r.tryGit('commit', '-m', 'leak');
    expect(blocked.code).not.toBe(0);
    const said = blocked.stdout + blocked.stderr;
    expect(said).toMatch(/deploy\.ini:2/); // where
    expect(said).toMatch(/AWS access key pair/); // what
    expect(said).toMatch(/commit blocked/);
    expect(said).toMatch(/fix: take the key out/);
    expect(said).toMatch(/keyguard audit/); // false positives
    expect(said).toMatch(/keyguard:allow/);
    expect(existsSync(join(r.dir, 'tests-ran'))).toBe(false);
    r.git('rm', '-q', '--cached', 'deploy.ini');
    r.write('notes.md', 'hello\n');
    r.git('add', 'notes.md', '.gitignore', 'package.json', '.husky/pre-commit');
    const clean = r.tryGit('commit', '-q', '-m', 'clean');
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).not.toMatch(/keyguard|✔|no AWS/);
    expect(existsSync(join(r.dir, 'tests-ran'))).toBe(true);
  });

  it("doctor passes although the project's npm test fails in its throwaway repository", () => {
    const r = huskyProject();
    r.keyguard(['install']);
    const doctor = r.keyguard(['doctor']);
    expect(doctor.stdout).toMatch(/the gate runs first/);
    expect(doctor.stdout).toMatch(/harmless commit goes through/);
    expect(doctor.stdout).toMatch(/harmless commit was silent/);
    expect(doctor.stdout).toMatch(/blocked by keyguard/);
    expect(doctor.code, doctor.stdout).toBe(0);
  });

  it('doctor names a command before the gate, and its fix (install) makes doctor pass: no loop', () => {
    const r = huskyProject();
    writeFileSync(join(r.dir, '.husky', 'pre-commit'), 'npm test\nkeyguard-pre-commit\n');
    const before = r.keyguard(['doctor']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/1 command run before the gate .*\(npm test\)/);
    expect(before.stdout).toMatch(/fix: run 'keyguard install' \(it puts the gate first\)/);
    expect(r.keyguard(['install']).code).toBe(0);
    const after = r.keyguard(['doctor']);
    expect(after.code, after.stdout).toBe(0);
  });

  it('pre-push: first in .husky/pre-push, idempotent, and doctor passes despite npm test', () => {
    const r = huskyProject();
    writeFileSync(join(r.dir, '.husky', 'pre-push'), 'npm test\n');
    r.keyguard(['install']);
    expect(r.keyguard(['install', '--hook', 'pre-push']).code).toBe(0);
    const text = read(join(r.dir, '.husky', 'pre-push'));
    expect(text).toMatch(
      /^# >>> keyguard pre-push gate[\s\S]*# <<< keyguard pre-push <<<\nnpm test\n$/,
    );
    expect(r.keyguard(['install', '--hook', 'pre-push']).stdout).toMatch(/unchanged/);
    expect(read(join(r.dir, '.husky', 'pre-push'))).toBe(text);
    const doctor = r.keyguard(['doctor', '--hook', 'pre-push']);
    expect(doctor.stdout).toMatch(/push of a commit with a \(fake\) AWS key is blocked/);
    expect(doctor.code, doctor.stdout).toBe(0);
  });
});

describe('keyguard install with other hook managers', () => {
  it('lefthook: adds a pre-commit command when the file has none; prints the lines when it has', () => {
    const r = repo();
    writeFileSync(
      join(r.dir, 'lefthook.yml'),
      'pre-push:\n  commands:\n    test:\n      run: npm test\n',
    );
    const res = r.keyguard(['install']);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/npx lefthook install/);
    const text = read(join(r.dir, 'lefthook.yml'));
    expect(text).toBe(
      `pre-push:\n  commands:\n    test:\n      run: npm test\npre-commit:\n  commands:\n    keyguard:\n      run: '${GATE_COMMAND}'\n`,
    );
    expect(r.keyguard(['install']).stdout).toMatch(/already runs keyguard/);
    expect(read(join(r.dir, 'lefthook.yml'))).toBe(text);
    expect(existsSync(join(r.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);

    const other = repo();
    const mine = 'pre-commit:\n  commands:\n    lint:\n      run: npx eslint {staged_files}\n';
    writeFileSync(join(other.dir, '.lefthook.yml'), mine);
    const told = other.keyguard(['install']);
    expect(told.code).toBe(1);
    expect(told.stdout).toMatch(/managed by lefthook \(\.lefthook\.yml\)/);
    expect(told.stdout).toContain(`run: '${GATE_COMMAND}'`);
    expect(read(join(other.dir, '.lefthook.yml'))).toBe(mine);
  });

  it('the command written for lefthook and simple-git-hooks blocks a key when run by sh', () => {
    const r = repo();
    stageKey(r, 7102);
    const run = spawnSync('sh', ['-c', GATE_COMMAND], { cwd: r.dir, env: r.env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/AWS access key pair/);
  });

  it('simple-git-hooks (package.json key): keyguard first with &&, idempotent; its hook blocks', () => {
    const r = repo();
    const pkg = { name: 'app', 'simple-git-hooks': { 'pre-commit': 'touch lint-ran' } };
    writeFileSync(join(r.dir, 'package.json'), `${JSON.stringify(pkg, null, 4)}\n`);
    const res = r.keyguard(['install']);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/npx simple-git-hooks/);
    const text = read(join(r.dir, 'package.json'));
    const parsed = JSON.parse(text);
    expect(parsed['simple-git-hooks']['pre-commit']).toBe(`${GATE_COMMAND} && touch lint-ran`);
    expect(text).toMatch(/^ {4}"simple-git-hooks"/m); // indentation kept
    expect(r.keyguard(['install']).stdout).toMatch(/already runs keyguard/);
    expect(read(join(r.dir, 'package.json'))).toBe(text);
    // What simple-git-hooks writes: the command in a sh hook.
    writeFileSync(
      join(r.dir, '.git', 'hooks', 'pre-commit'),
      `#!/bin/sh\n${parsed['simple-git-hooks']['pre-commit']}\n`,
      { mode: 0o755 },
    );
    stageKey(r, 7103);
    expect(r.tryGit('commit', '-m', 'leak').code).not.toBe(0);
    expect(existsSync(join(r.dir, 'lint-ran'))).toBe(false);
    expect(r.keyguard(['doctor']).stdout).toMatch(
      /simple-git-hooks \(package\.json\) runs the keyguard gate/,
    );
  });

  it('pre-commit framework: prints the exact lines, writes nothing, exits 1', () => {
    const r = repo();
    const cfg =
      'repos:\n  - repo: https://example.invalid/hooks\n    rev: v1\n    hooks:\n      - id: x\n';
    writeFileSync(join(r.dir, '.pre-commit-config.yaml'), cfg);
    const res = r.keyguard(['install']);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/managed by pre-commit/);
    expect(res.stdout).toMatch(/- repo: local/);
    expect(res.stdout).toMatch(/entry: keyguard-pre-commit/);
    expect(read(join(r.dir, '.pre-commit-config.yaml'))).toBe(cfg);
    expect(existsSync(join(r.dir, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });
});

describe('keyguard install in hostile repositories', () => {
  it('never writes through a hooks folder linked outside the repository', () => {
    const r = repo();
    const outside = mkdtempSync(join(tmpdir(), 'kg-outside-'));
    extra.push(outside);
    rmSync(join(r.dir, '.git', 'hooks'), { recursive: true, force: true });
    symlinkSync(outside, join(r.dir, '.git', 'hooks'));
    const res = r.keyguard(['install']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/outside this repository/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a core.hooksPath outside the repository (shared by every repository)', () => {
    const r = repo();
    const outside = mkdtempSync(join(tmpdir(), 'kg-shared-hooks-'));
    extra.push(outside);
    r.git('config', 'core.hooksPath', outside);
    const res = r.keyguard(['install']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/outside this repository.*add 'keyguard-pre-commit/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a hook that is a symbolic link, a FIFO, or not a shell script', () => {
    const r = repo();
    const hooks = join(r.dir, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    const target = join(r.dir, 'elsewhere.sh');
    writeFileSync(target, '#!/bin/sh\necho hi\n');
    symlinkSync(target, join(hooks, 'pre-commit'));
    const link = r.keyguard(['install']);
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/symbolic link/);
    expect(read(target)).toBe('#!/bin/sh\necho hi\n');
    rmSync(join(hooks, 'pre-commit'));
    execFileSync('mkfifo', [join(hooks, 'pre-commit')]);
    const fifo = r.keyguard(['install']);
    expect(fifo.code).toBe(2);
    expect(fifo.stderr).toMatch(/not a regular file/);
    rmSync(join(hooks, 'pre-commit'));
    writeFileSync(join(hooks, 'pre-commit'), '#!/usr/bin/env python3\nprint(1)\n', { mode: 0o755 });
    const py = r.keyguard(['install']);
    expect(py.code).toBe(2);
    expect(py.stderr).toMatch(/not a shell script/);
    expect(read(join(hooks, 'pre-commit'))).toBe('#!/usr/bin/env python3\nprint(1)\n');
  });

  it('a repository path with $(…), quotes and a newline cannot inject into the hook', () => {
    const r = repo();
    const root = mkdtempSync(join(tmpdir(), 'kg-odd-'));
    extra.push(root);
    const canary = 'PWNED';
    const dir = join(root, `a$(touch ${canary})b\`touch ${canary}\`'q"\nline`);
    mkdirSync(dir);
    const git = (...args: string[]) =>
      spawnSync('git', args, { cwd: dir, env: r.env, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'commit.gpgsign', 'false');
    const kg = (...args: string[]) =>
      spawnSync('node', [CLI, ...args], { cwd: dir, env: r.env, encoding: 'utf8' });
    const install = kg('install');
    expect(install.status, install.stderr).toBe(0);
    expect(kg('install', '--hook', 'pre-push').status).toBe(0);
    const hook = read(join(dir, '.git', 'hooks', 'pre-commit'));
    expect(hook).not.toContain(root);
    writeFileSync(join(dir, 'deploy.ini'), credentialsFile(fakeCredentials(7104)));
    git('add', 'deploy.ini');
    expect(git('commit', '-m', 'leak').status).not.toBe(0);
    git('rm', '-q', '--cached', 'deploy.ini');
    writeFileSync(join(dir, 'ok.txt'), 'fine\n');
    git('add', 'ok.txt');
    const clean = git('commit', '-q', '-m', 'ok');
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).toBe('');
    const doctor = kg('doctor');
    expect(doctor.status, doctor.stdout).toBe(0);
    for (const where of [root, dir, process.cwd()])
      expect(existsSync(join(where, canary))).toBe(false);
  });
});
