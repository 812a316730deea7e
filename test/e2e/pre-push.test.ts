import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  type RunResult,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

const repo = useTempRepos();
const ZERO = '0'.repeat(40);

interface Pushing {
  readonly r: TempRepo;
  readonly remote: string;
  /** `git push` through the hooks. */
  push(...args: string[]): RunResult;
  /** What the bare remote holds for a ref, or undefined. */
  remoteRef(ref: string): string | undefined;
}

/** A work repository with a bare `origin`, the pre-push gate installed, main pushed clean. */
function pushing(options: { install?: boolean } = {}): Pushing {
  const r = repo();
  const remote = join(r.dir, '..', 'origin.git');
  r.git('init', '-q', '--bare', remote);
  r.git('remote', 'add', 'origin', remote);
  r.write('README.md', 'hello\n');
  r.commitAll('init');
  if (options.install !== false) expect(r.keyguard(['install', '--hook', 'pre-push']).code).toBe(0);
  const p: Pushing = {
    r,
    remote,
    push: (...args) => r.tryGit('push', ...args),
    remoteRef(ref) {
      const res = spawnSync('git', ['rev-parse', '--verify', '-q', ref], {
        cwd: remote,
        env: r.env,
        encoding: 'utf8',
      });
      return res.status === 0 ? res.stdout.trim() : undefined;
    },
  };
  expect(p.push('-q', 'origin', 'main').code).toBe(0);
  return p;
}

function leak(r: TempRepo, seed: number, path = `k${seed}.ini`): string {
  r.write(path, credentialsFile(fakeCredentials(seed)));
  return r.commitAll(`leak ${seed}`);
}

/** Runs `keyguard pre-push` by hand with the given hook input, JSON report. */
function prePush(r: TempRepo, input: string, ...args: string[]) {
  const res = spawnSync(
    'node',
    [CLI, 'pre-push', 'origin', 'url-not-shown', '-f', 'json', ...args],
    {
      cwd: r.dir,
      env: r.env,
      input,
      encoding: 'utf8',
    },
  );
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

function coverage(stdout: string): Record<string, unknown> {
  return (JSON.parse(stdout) as { coverage: Record<string, unknown> }).coverage;
}

describe('keyguard pre-push (real pushes to a bare remote)', () => {
  it('lets a clean push through and blocks a commit with a key; nothing raw is printed', () => {
    const p = pushing();
    p.r.write('notes.txt', 'clean\n');
    const clean = p.r.commitAll('clean');
    expect(p.push('origin', 'main').code).toBe(0);
    expect(p.remoteRef('main')).toBe(clean);
    const c = fakeCredentials(201);
    p.r.write('deploy/creds.ini', credentialsFile(c));
    p.r.commitAll('leak');
    const blocked = p.push('origin', 'main');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/push to origin blocked/);
    expect(blocked.stdout + blocked.stderr).toMatch(/deploy\/creds\.ini/);
    expect(blocked.stdout + blocked.stderr).not.toContain(c.secret);
    expect(blocked.stdout + blocked.stderr).not.toContain(c.keyId);
    expect(p.remoteRef('main')).toBe(clean);
  });

  it('a key added and removed again before the push is still blocked', () => {
    const p = pushing();
    leak(p.r, 202, 'tmp.ini');
    p.r.git('rm', '-q', 'tmp.ini');
    p.r.commitAll('remove it again');
    expect(p.push('origin', 'main').code).not.toBe(0);
  });

  it('a new branch scans only the commits the remote lacks', () => {
    const p = pushing({ install: false });
    // An old key already on the remote (pushed before the gate existed).
    leak(p.r, 203);
    expect(p.push('-q', 'origin', 'main').code).toBe(0);
    p.r.keyguard(['install', '--hook', 'pre-push']);
    p.r.git('checkout', '-q', '-b', 'topic');
    p.r.write('topic.txt', 'work\n');
    const topic = p.r.commitAll('topic work');
    const ok = p.push('origin', 'topic');
    expect(ok.code, ok.stderr).toBe(0);
    expect(p.remoteRef('topic')).toBe(topic);
    // By hand: exactly one commit was scanned.
    const res = prePush(p.r, `refs/heads/topic ${topic} refs/heads/topic2 ${ZERO}\n`);
    expect(res.code).toBe(0);
    expect(coverage(res.stdout).commits).toBe(0);
    p.r.write('topic.txt', 'more\n');
    const more = p.r.commitAll('more');
    const one = prePush(p.r, `refs/heads/topic ${more} refs/heads/topic3 ${ZERO}\n`);
    expect(coverage(one.stdout).commits).toBe(1);
  });

  it('a deletion scans nothing and goes through', () => {
    const p = pushing({ install: false });
    p.r.git('checkout', '-q', '-b', 'old');
    leak(p.r, 204);
    expect(p.push('-q', 'origin', 'old').code).toBe(0);
    p.r.keyguard(['install', '--hook', 'pre-push']);
    p.r.git('checkout', '-q', 'main');
    const del = p.push('origin', ':old');
    expect(del.code, del.stderr).toBe(0);
    // The hook runs with --quiet: a push that goes through says nothing.
    expect(del.stderr).not.toMatch(/keyguard/);
    expect(p.remoteRef('old')).toBeUndefined();
  });

  it('tags: lightweight and annotated tags are followed, a tag message and a tagged blob are scanned', () => {
    const p = pushing();
    // A tag on a commit the remote has, with a clean message: nothing new.
    p.r.git('tag', '-a', 'v1', '-m', 'release one');
    expect(p.push('origin', 'v1').code).toBe(0);
    // A lightweight tag on a new commit with a key.
    p.r.git('checkout', '-q', '-b', 'side');
    const k = leak(p.r, 205);
    p.r.git('checkout', '-q', 'main');
    p.r.git('tag', 'light', k);
    expect(p.push('origin', 'light').code).not.toBe(0);
    // An annotated tag whose message carries a key, on a commit the remote already has.
    const c = fakeCredentials(206);
    p.r.git('tag', '-a', 'v2', '-m', `release two\n\n${credentialsFile(c)}`);
    const v2 = p.push('origin', 'v2');
    expect(v2.code).not.toBe(0);
    expect(v2.stdout + v2.stderr).toMatch(/<tag refs\/tags\/v2 [0-9a-f]{12}>/);
    expect(v2.stdout + v2.stderr).not.toContain(c.secret);
    // A tag of a tag of a commit with a key: followed through both.
    p.r.git('tag', '-a', 'inner', '-m', 'inner', k);
    p.r.git('tag', '-a', 'outer', '-m', 'outer', 'inner');
    expect(p.push('origin', 'refs/tags/outer').code).not.toBe(0);
    // A ref that points straight at a blob holding a key.
    writeFileSync(join(p.r.dir, 'loose.ini'), credentialsFile(fakeCredentials(207)));
    const blob = p.r.git('hash-object', '-w', 'loose.ini').trim();
    p.r.git('tag', 'blobtag', blob);
    expect(p.push('origin', 'blobtag').code).not.toBe(0);
    // ...or at a tree.
    p.r.git('add', 'loose.ini');
    const tree = p.r.git('write-tree').trim();
    p.r.git('reset', '-q');
    p.r.git('tag', 'treetag', tree);
    expect(p.push('origin', 'treetag').code).not.toBe(0);
    for (const t of ['light', 'v2', 'outer', 'blobtag', 'treetag'])
      expect(p.remoteRef(`refs/tags/${t}`)).toBeUndefined();
  });

  it('force pushes scan the rewritten commits', () => {
    const p = pushing();
    p.r.write('a.txt', 'one\n');
    p.r.commitAll('one');
    expect(p.push('origin', 'main').code).toBe(0);
    p.r.git('reset', '-q', '--hard', 'HEAD~1');
    leak(p.r, 208);
    expect(p.push('--force', 'origin', 'main').code).not.toBe(0);
    p.r.git('reset', '-q', '--hard', 'HEAD~1');
    p.r.write('a.txt', 'two\n');
    const clean = p.r.commitAll('two');
    expect(p.push('--force', 'origin', 'main').code).toBe(0);
    expect(p.remoteRef('main')).toBe(clean);
  });

  it('several refs in one push are walked together: each commit once', () => {
    const p = pushing();
    const base = p.r.git('rev-parse', 'HEAD').trim();
    p.r.git('checkout', '-q', '-b', 'a');
    const shared = leak(p.r, 209);
    p.r.git('checkout', '-q', '-b', 'b');
    p.r.write('b.txt', 'b\n');
    const b = p.r.commitAll('b');
    const input = `refs/heads/a ${shared} refs/heads/a ${ZERO}\nrefs/heads/b ${b} refs/heads/b ${ZERO}\n`;
    const res = prePush(p.r, input);
    expect(res.code).toBe(1);
    expect(coverage(res.stdout).commits).toBe(2);
    expect((JSON.parse(res.stdout) as { findings: unknown[] }).findings).toHaveLength(1);
    expect(p.push('origin', 'a', 'b').code).not.toBe(0);
    expect(p.remoteRef('a')).toBeUndefined();
    expect(base).toBe(p.remoteRef('main'));
  });

  it('a remote value this repository does not have falls back to what the remote is known to have', () => {
    const p = pushing();
    p.r.write('x.txt', 'x\n');
    const x = p.r.commitAll('x');
    const unknown = 'f'.repeat(40);
    const res = prePush(p.r, `refs/heads/main ${x} refs/heads/main ${unknown}\n`);
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/does not have/);
    // origin/main is known: only the new commit.
    expect(coverage(res.stdout).commits).toBe(1);
    // Pushed to a URL (no remote-tracking refs): the whole branch.
    const byUrl = spawnSync('node', [CLI, 'pre-push', p.remote, p.remote, '-f', 'json'], {
      cwd: p.r.dir,
      env: p.r.env,
      input: `refs/heads/main ${x} refs/heads/main ${unknown}\n`,
      encoding: 'utf8',
    });
    expect(coverage(byUrl.stdout).commits).toBe(2);
  });

  it('bad input blocks the push: exit 2 and one line saying what and what to do', () => {
    const p = pushing();
    const head = p.r.git('rev-parse', 'HEAD').trim();
    const missing = 'a'.repeat(40);
    for (const [input, why] of [
      ['garbage\n', /line 1 of standard input is not/],
      [`refs/heads/main ${head} refs/heads/main\n`, /line 1/],
      [`refs/heads/main ${head.slice(0, 12)} refs/heads/main ${ZERO}\n`, /line 1/],
      [`refs/heads/main ${head} refs/heads/main ${ZERO}\n\x1b[31mnope\n`, /line 2/],
      [`refs/heads/gone ${missing} refs/heads/gone ${ZERO}\n`, /not in the repository/],
    ] as const) {
      const res = prePush(p.r, input);
      expect(res.code, input).toBe(2);
      expect(res.stdout, input).toBe('');
      expect(res.stderr.trim().split('\n'), input).toHaveLength(1);
      expect(res.stderr, input).toMatch(why);
      expect(res.stderr).not.toContain('\x1b');
    }
    expect(prePush(p.r, '').code).toBe(0);
    const noArgs = spawnSync('node', [CLI, 'pre-push'], {
      cwd: p.r.dir,
      env: p.r.env,
      input: '',
      encoding: 'utf8',
    });
    expect(noArgs.status).toBe(2);
  });

  it('a URL with a password is never printed', () => {
    const p = pushing();
    const c = fakeCredentials(210);
    leak(p.r, 210);
    const url = 'https://someone:hunter2-token@example.invalid/repo.git';
    const head = p.r.git('rev-parse', 'HEAD').trim();
    const res = spawnSync('node', [CLI, 'pre-push', url, url], {
      cwd: p.r.dir,
      env: p.r.env,
      input: `refs/heads/main ${head} refs/heads/main ${'e'.repeat(40)}\n`,
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stdout + res.stderr).not.toContain('hunter2');
    expect(res.stdout + res.stderr).not.toContain(c.secret);
    expect(res.stderr).toMatch(/https:\/\/\*\*\*@example\.invalid/);
  });
});

describe('keyguard install --hook pre-push', () => {
  it('plain hooks: first in an existing hook, which still gets the refs; idempotent; uninstall', () => {
    const r = repo();
    const hook = join(r.dir, '.git', 'hooks', 'pre-push');
    mkdirSync(join(r.dir, '.git', 'hooks'), { recursive: true });
    writeFileSync(hook, '#!/bin/sh\ncat > "$(git rev-parse --git-dir)/seen-refs"\n', {
      mode: 0o755,
    });
    expect(r.keyguard(['install', '--hook', 'pre-push']).code).toBe(0);
    const text = readFileSync(hook, 'utf8');
    expect(text.startsWith('#!/bin/sh\n# >>> keyguard pre-push gate')).toBe(true);
    expect(r.keyguard(['install', '--hook', 'pre-push']).stdout).toMatch(/unchanged/);
    expect(readFileSync(hook, 'utf8')).toBe(text);
    const remote = join(r.dir, '..', 'o.git');
    r.git('init', '-q', '--bare', remote);
    r.git('remote', 'add', 'origin', remote);
    r.write('a.txt', 'a\n');
    const head = r.commitAll('a');
    expect(r.tryGit('push', '-q', 'origin', 'main').code).toBe(0);
    // The user's own hook still read git's lines after ours.
    expect(readFileSync(join(r.dir, '.git', 'seen-refs'), 'utf8')).toBe(
      `refs/heads/main ${head} refs/heads/main ${ZERO}\n`,
    );
    expect(r.keyguard(['install', '--hook', 'pre-push', '--uninstall']).code).toBe(0);
    expect(readFileSync(hook, 'utf8')).toBe(
      '#!/bin/sh\ncat > "$(git rev-parse --git-dir)/seen-refs"\n',
    );
  });

  it('respects core.hooksPath and blocks when keyguard is missing', () => {
    const r = repo();
    r.git('config', 'core.hooksPath', 'my-hooks');
    expect(r.keyguard(['install', '--hook', 'pre-push']).stdout).toMatch(/core\.hooksPath/);
    const hook = join(r.dir, 'my-hooks', 'pre-push');
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(existsSync(join(r.dir, '.git', 'hooks', 'pre-push'))).toBe(false);
    const remote = join(r.dir, '..', 'o.git');
    r.git('init', '-q', '--bare', remote);
    r.write('a.txt', 'a\n');
    r.commitAll('a');
    const noKeyguard = spawnSync('git', ['push', remote, 'main'], {
      cwd: r.dir,
      env: { ...r.env, PATH: (r.env.PATH ?? '').split(':').slice(1).join(':') },
      encoding: 'utf8',
    });
    expect(noKeyguard.status).not.toBe(0);
    expect(noKeyguard.stderr).toMatch(/keyguard: not found/);
  });

  it('husky 9: a block in .husky/pre-push that blocks a push; doctor proves it', () => {
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
    writeFileSync(join(r.dir, '.husky', 'pre-push'), 'echo user line\n');
    expect(r.keyguard(['install', '--hook', 'pre-push']).code).toBe(0);
    const text = readFileSync(join(r.dir, '.husky', 'pre-push'), 'utf8');
    expect(text.startsWith('# >>> keyguard pre-push gate')).toBe(true);
    expect(text.endsWith('echo user line\n')).toBe(true);
    const remote = join(r.dir, '..', 'o.git');
    r.git('init', '-q', '--bare', remote);
    leak(r, 211);
    const blocked = r.tryGit('push', remote, 'main');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/blocked/);
    const doctor = r.keyguard(['doctor', '--hook', 'pre-push']);
    expect(doctor.stdout).toMatch(/harmless push goes through/);
    expect(doctor.stdout).toMatch(/fake\) AWS key is blocked by keyguard/);
    expect(doctor.code, doctor.stdout).toBe(0);
  });

  it('doctor fails when the pre-push gate is asked for and missing, and proves a plain one', () => {
    const r = repo();
    const missing = r.keyguard(['doctor', '--hook', 'pre-push']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/install --hook pre-push/);
    r.keyguard(['install', '--hook', 'pre-push']);
    r.keyguard(['install']);
    const both = r.keyguard(['doctor']);
    expect(both.stdout).toMatch(/pre-commit and pre-push gates work/);
    expect(both.code, both.stdout).toBe(0);
  });
});
