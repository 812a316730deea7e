import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  type FakeCredentials,
  fakeCredentials,
  literalCommit,
  type RunResult,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

const repo = useTempRepos();
const ZERO = '0'.repeat(40);

interface Server {
  readonly r: TempRepo;
  /** The bare repository with keyguard's pre-receive hook. */
  readonly dir: string;
  push(...args: string[]): RunResult;
  ref(name: string): string | undefined;
  /** Runs git in the server repository. */
  git(...args: string[]): string;
}

/** A work repository, and a bare server it pushes to, with `main` pushed before the gate. */
function server(options: { before?: (r: TempRepo) => void } = {}): Server {
  const r = repo();
  const dir = join(r.dir, '..', 'server.git');
  r.git('init', '-q', '--bare', '-b', 'main', dir);
  r.git('remote', 'add', 'origin', dir);
  r.write('README.md', 'hello\n');
  options.before?.(r);
  r.commitAll('init');
  expect(r.tryGit('push', '-q', 'origin', 'main').code).toBe(0);
  const install = r.keyguard(['install', '--hook', 'pre-receive'], dir);
  expect(install.code, install.stderr).toBe(0);
  const s: Server = {
    r,
    dir,
    push: (...args) => r.tryGit('push', ...args),
    ref(name) {
      const res = spawnSync('git', ['rev-parse', '--verify', '-q', name], {
        cwd: dir,
        env: r.env,
        encoding: 'utf8',
      });
      return res.status === 0 ? res.stdout.trim() : undefined;
    },
    git: (...args) => spawnSync('git', args, { cwd: dir, env: r.env, encoding: 'utf8' }).stdout,
  };
  return s;
}

function leak(r: TempRepo, seed: number, path = `k${seed}.ini`): FakeCredentials {
  const c = fakeCredentials(seed);
  r.write(path, credentialsFile(c));
  r.commitAll(`leak ${seed}`);
  return c;
}

function expectRejected(res: RunResult, c?: FakeCredentials): void {
  expect(res.code).not.toBe(0);
  expect(res.stderr).toMatch(/remote: keyguard: push rejected/);
  expect(res.stderr).toMatch(/pre-receive hook declined/);
  if (c !== undefined) {
    expect(res.stderr).not.toContain(c.secret);
    expect(res.stderr).not.toContain(c.keyId);
  }
  // Every line keyguard writes fits a terminal next to git's `remote: ` prefix.
  for (const l of res.stderr.split('\n').filter((x) => x.includes('keyguard'))) {
    expect(l.trimEnd().length, l).toBeLessThan(160);
  }
}

/** `git fast-import` makes a long history quickly: n commits on `branch`, each changing f.txt. */
function manyCommits(
  r: TempRepo,
  branch: string,
  from: string,
  n: number,
  keyAt?: number,
  key?: string,
) {
  let stream = '';
  for (let i = 0; i < n; i++) {
    const body = i === keyAt && key !== undefined ? key : `line ${i}\n`;
    stream += `commit refs/heads/${branch}\ncommitter T <t@example.invalid> ${1_700_000_000 + i} +0000\ndata 4\nc${String(i).padStart(2, '0')}\n`;
    if (i === 0) stream += `from ${from}\n`;
    stream += `M 100644 inline f.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  const res = spawnSync('git', ['fast-import', '--quiet'], {
    cwd: r.dir,
    env: r.env,
    input: stream,
    encoding: 'utf8',
  });
  expect(res.status, res.stderr).toBe(0);
}

describe('keyguard pre-receive (real pushes into a bare repository)', () => {
  it('new branch and update: a clean push is accepted, one with a key rejected, nothing raw shown', () => {
    const s = server();
    s.r.git('checkout', '-q', '-b', 'topic');
    s.r.write('a.txt', 'a\n');
    const topic = s.r.commitAll('clean');
    const ok = s.push('origin', 'topic');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/remote: keyguard: 1 new commit scanned, no AWS credentials/);
    expect(s.ref('topic')).toBe(topic);
    const c = leak(s.r, 301);
    const res = s.push('origin', 'topic');
    expectRejected(res, c);
    expect(res.stderr).toMatch(/k301\.ini:2 {2}AWS access key pair/);
    expect(s.ref('topic')).toBe(topic);
    s.r.git('checkout', '-q', '-b', 'fresh', 'main');
    leak(s.r, 302);
    expectRejected(s.push('origin', 'fresh'));
    expect(s.ref('fresh')).toBeUndefined();
  });

  it('a key pair written into a symbolic link is rejected, naming the link, nothing raw shown', () => {
    const s = server();
    const before = s.ref('main');
    const c = fakeCredentials(303);
    symlinkSync(
      `aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}`,
      join(s.r.dir, 'link'),
    );
    s.r.commitAll('link');
    const res = s.push('origin', 'main');
    expectRejected(res, c);
    expect(res.stderr).toMatch(/link:1 {2}AWS access key pair/);
    expect(s.ref('main')).toBe(before);
  });

  it('a key in a commit header that git log does not print is rejected', () => {
    const s = server();
    const before = s.ref('main');
    const c = fakeCredentials(304);
    literalCommit(
      s.r,
      `author a <a@b.invalid> 1700000000 +0000\ncommitter a <a@b.invalid> 1700000000 +0000\nx-deploy aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}\n\nsubject\n`,
    );
    const res = s.push('origin', 'main');
    expectRejected(res, c);
    expect(res.stderr).toMatch(/<commit object>:5 {2}AWS access key pair/);
    expect(s.ref('main')).toBe(before);
  });

  it('a replace ref pushed first cannot stand in for a commit that holds a key', () => {
    const s = server();
    const before = s.ref('main') as string;
    const c = leak(s.r, 305);
    const keyed = s.r.git('rev-parse', 'HEAD').trim();
    const stand = s.r.git('commit-tree', '-p', before, '-m', 'clean', `${before}^{tree}`).trim();
    s.r.git('replace', keyed, stand);
    const replaced = s.push('origin', `refs/replace/${keyed}`);
    expect(replaced.code, replaced.stderr).toBe(0);
    const res = s.push('origin', 'main');
    expectRejected(res, c);
    expect(res.stderr).toMatch(/k305\.ini:2 {2}AWS access key pair/);
    expect(s.ref('main')).toBe(before);
  });

  it('a ref the host wrote without the hook (a merge-request head) does not vouch for its commits', () => {
    const s = server();
    const before = s.ref('main') as string;
    const c = leak(s.r, 306);
    const keyed = s.r.git('rev-parse', 'HEAD').trim();
    // What a host does for a fork's merge request: the objects fetched in, a ref written, no hook.
    const fetched = spawnSync(
      'git',
      ['fetch', '-q', s.r.dir, `${keyed}:refs/merge-requests/1/head`],
      {
        cwd: s.dir,
        env: s.r.env,
        encoding: 'utf8',
      },
    );
    expect(fetched.status, fetched.stderr).toBe(0);
    const res = s.push('origin', 'main');
    expectRejected(res, c);
    expect(res.stderr).toMatch(/k306\.ini:2 {2}AWS access key pair/);
    expect(s.ref('main')).toBe(before);
  });

  it('force push: a rewrite with a key is rejected, a clean one accepted', () => {
    const s = server();
    s.r.write('a.txt', '1\n');
    s.r.commitAll('one');
    expect(s.push('-q', 'origin', 'main').code).toBe(0);
    s.r.git('reset', '-q', '--hard', 'HEAD~1');
    leak(s.r, 303);
    expectRejected(s.push('--force', 'origin', 'main'));
    s.r.git('reset', '-q', '--hard', 'HEAD~1');
    s.r.write('a.txt', '2\n');
    const clean = s.r.commitAll('two');
    expect(s.push('--force', 'origin', 'main').code).toBe(0);
    expect(s.ref('main')).toBe(clean);
  });

  it('tags: a lightweight tag on a new commit with a key, and an annotated tag whose text holds one', () => {
    const s = server();
    s.r.git('tag', '-a', 'v1', '-m', 'release one');
    expect(s.push('origin', 'v1').code).toBe(0);
    s.r.git('checkout', '-q', '-b', 'side');
    leak(s.r, 304);
    s.r.git('tag', 'light');
    s.r.git('checkout', '-q', 'main');
    expectRejected(s.push('origin', 'light'));
    const c = fakeCredentials(305);
    s.r.git('tag', '-a', 'v2', '-m', `two\n\n${credentialsFile(c)}`);
    const res = s.push('origin', 'v2');
    expectRejected(res, c);
    expect(res.stderr).toMatch(/<tag refs\/tags\/v2 [0-9a-f]{12}>/);
    expect(s.ref('refs/tags/v2')).toBeUndefined();
  });

  it('a deletion brings nothing and is accepted, even of a branch that holds a key', () => {
    const s = server();
    s.r.git('checkout', '-q', '-b', 'old');
    leak(s.r, 306);
    // Pushed before the gate existed: move the hook away for one push.
    const hook = join(s.dir, 'hooks', 'pre-receive');
    const text = readFileSync(hook, 'utf8');
    writeFileSync(hook, '#!/bin/sh\nexit 0\n');
    expect(s.push('-q', 'origin', 'old').code).toBe(0);
    writeFileSync(hook, text);
    const del = s.push('origin', ':old');
    expect(del.code, del.stderr).toBe(0);
    expect(s.ref('old')).toBeUndefined();
  });

  it('a push of many commits: each is scanned, a key added and removed inside it is rejected', () => {
    const s = server();
    const main = s.r.git('rev-parse', 'HEAD').trim();
    manyCommits(s.r, 'many', main, 300);
    const ok = s.push('origin', 'many');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/300 new commits scanned/);
    const c = fakeCredentials(307);
    // The key arrives in commit 150 and is gone again in 151: the tip is clean.
    manyCommits(s.r, 'sneaky', main, 300, 150, credentialsFile(c));
    expect(s.r.git('show', 'sneaky:f.txt')).toBe('line 299\n');
    const res = s.push('origin', 'sneaky');
    expectRejected(res, c);
    expect(s.ref('sneaky')).toBeUndefined();
  });

  it('rules and baseline come from the default branch, never from the push', () => {
    const s = server({
      before: (r) =>
        r.write(
          '.keyguard.json',
          JSON.stringify({ allowlist: { paths: [{ glob: 'fixtures/**', reason: 'fake keys' }] } }),
        ),
    });
    // Allowed by main's config.
    leak(s.r, 308, 'fixtures/k.ini');
    const ok = s.push('origin', 'main');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/refs\/heads\/main [0-9a-f]{12}/);
    // A push that widens the allowlist for its own key: judged by main's config as it was.
    s.r.write(
      '.keyguard.json',
      JSON.stringify({ allowlist: { paths: [{ glob: '**', reason: 'everything' }] } }),
    );
    leak(s.r, 309, 'secrets/k.ini');
    expectRejected(s.push('origin', 'main'));
    // A push that brings a baseline accepting its own key: still rejected.
    s.r.git('reset', '-q', '--hard', 'origin/main');
    leak(s.r, 310, 'prod.ini');
    const baseline = s.r.keyguard(['baseline', '--output', '.keyguard-baseline.json']);
    expect(baseline.code, baseline.stderr).toBe(0);
    s.r.commitAll('accept my own key');
    expect(s.r.keyguard(['history', 'origin/main..main']).code).toBe(0);
    expectRejected(s.push('origin', 'main'));
    expect(s.ref('main')).toBe(s.r.git('rev-parse', 'origin/main').trim());
  });

  it('runs in git quarantine: the pushed objects are only there while the hook runs', () => {
    const s = server();
    const hook = join(s.dir, 'hooks', 'pre-receive');
    const text = readFileSync(hook, 'utf8');
    writeFileSync(
      hook,
      text.replace(
        '\nkeyguard_out=',
        '\n[ -n "$GIT_QUARANTINE_PATH" ] && [ -n "$GIT_OBJECT_DIRECTORY" ] && echo yes > "$GIT_DIR/../quarantine-seen"\nkeyguard_out=',
      ),
    );
    const c = leak(s.r, 311);
    const blob = s.r.git('rev-parse', 'HEAD:k311.ini').trim();
    expectRejected(s.push('origin', 'main'), c);
    expect(readFileSync(join(s.dir, '..', 'quarantine-seen'), 'utf8')).toBe('yes\n');
    // Rejected: git dropped the quarantine, the key never reached the repository.
    const has = spawnSync('git', ['cat-file', '-e', blob], { cwd: s.dir, env: s.r.env });
    expect(has.status).not.toBe(0);
  });

  it('the update hook form rejects only the ref that brings a key', () => {
    const s = server();
    writeFileSync(join(s.dir, 'hooks', 'pre-receive'), '#!/bin/sh\nexit 0\n');
    writeFileSync(
      join(s.dir, 'hooks', 'update'),
      '#!/bin/sh\nexec keyguard update "$1" "$2" "$3"\n',
      {
        mode: 0o755,
      },
    );
    s.r.git('checkout', '-q', '-b', 'good');
    s.r.write('g.txt', 'g\n');
    const good = s.r.commitAll('good');
    s.r.git('checkout', '-q', '-b', 'bad', 'main');
    leak(s.r, 312);
    const res = s.push('origin', 'good', 'bad');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/remote: keyguard: push rejected/);
    expect(s.ref('good')).toBe(good);
    expect(s.ref('bad')).toBeUndefined();
  });

  it("a file name with terminal escapes is shown escaped on the pusher's terminal", () => {
    const s = server();
    leak(s.r, 313, 'evil\x1b[2J\rname.ini');
    const res = s.push('origin', 'main');
    expectRejected(res);
    expect(res.stderr).not.toContain('\x1b');
    expect(res.stderr).toMatch(/evil\\x1b\[2J\\rname\.ini/);
  });

  it("a push larger than the scanner's memory is read in pieces, and its key found", () => {
    const s = server();
    const c = fakeCredentials(314);
    const line = 'x'.repeat(99);
    const filler = `${`${line}\n`.repeat(300_000)}`;
    s.r.write('big.txt', `${filler}${credentialsFile(c)}${filler}`);
    s.r.commitAll('30 MB and a key');
    const res = spawnSync('git', ['push', 'origin', 'main'], {
      cwd: s.r.dir,
      env: { ...s.r.env, NODE_OPTIONS: '--max-old-space-size=16' },
      encoding: 'utf8',
    });
    expectRejected({ code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr }, c);
    expect(res.stderr).toMatch(/big\.txt:300002/);
  });

  it('keyguard dying (here: no memory at all) rejects the push with one line', () => {
    const s = server();
    s.r.write('a.txt', 'a\n');
    s.r.commitAll('a');
    const res = spawnSync('git', ['push', 'origin', 'main'], {
      cwd: s.r.dir,
      env: { ...s.r.env, NODE_OPTIONS: '--max-old-space-size=1' },
      encoding: 'utf8',
    });
    expect(res.status).not.toBe(0);
    const ours = res.stderr.split('\n').filter((l) => l.includes('keyguard'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/the scan did not finish .*push rejected/);
  });
});

describe('keyguard pre-receive: bad input is rejected with one line', () => {
  function run(dir: string, env: Record<string, string>, input: string, ...args: string[]) {
    const res = spawnSync('node', [CLI, 'pre-receive', ...args], {
      cwd: dir,
      env,
      input,
      encoding: 'utf8',
    });
    return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
  }

  it('garbage, unknown objects, and a shallow repository exit 2', () => {
    const s = server();
    const head = s.ref('main') ?? '';
    for (const [input, why] of [
      ['hello world\n', /line 1 of standard input is not/],
      [`${ZERO} ${head}\n`, /line 1/],
      [`${ZERO} ${'b'.repeat(40)} refs/heads/x\n`, /not in the repository/],
      [`${ZERO} ${head} refs/heads/ok\n${head}\0${head} refs/heads/y\n`, /line 2/],
    ] as const) {
      const res = run(s.dir, s.r.env, input);
      expect(res.code, input).toBe(2);
      expect(res.stderr.trim().split('\n'), input).toHaveLength(1);
      expect(res.stderr, input).toMatch(/pre-receive: push rejected: /);
      expect(res.stderr, input).toMatch(why);
    }
    expect(run(s.dir, s.r.env, '').code).toBe(0);
    const shallow = join(s.r.dir, '..', 'shallow.git');
    s.r.git('commit', '-q', '--allow-empty', '-m', 'two');
    s.r.git('push', '-q', '--no-verify', 'origin', 'main');
    s.r.git('clone', '-q', '--bare', '--depth', '1', `file://${s.dir}`, shallow);
    const res = run(shallow, s.r.env, `${ZERO} ${head} refs/heads/z\n`);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/shallow/);
  });
});
