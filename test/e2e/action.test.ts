import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatBaseline } from '../../src/filters/format-baseline.js';
import { createSandbox, runAction, runnerCommands, type Sandbox } from '../helpers/action-repos.js';
import { type FakePair, fakePair, leaks } from '../helpers/fake-keys.js';
import { runCli } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

const ZERO = '0'.repeat(40);
const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.cleanup();
});

function creds(p: FakePair): string {
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

interface History {
  readonly s: Sandbox;
  readonly pairs: FakePair[];
  /** main: c0 readme, c1 old.ini (a secret already on main), later c5 clean. */
  readonly c1: string;
  readonly c5: string;
  /** feature (from c1): c2 adds new.ini, c3 deletes it, c4 clean. */
  readonly c4: string;
}

/** A repository whose main already holds a secret and whose PR adds (then deletes) another. */
function prHistory(): History {
  const s = createSandbox();
  sandboxes.push(s);
  const old = fakePair();
  const added = fakePair();
  s.commit({ 'README.md': 'hello\n' }, 'c0');
  const c1 = s.commit({ 'old.ini': creds(old) }, 'c1: old secret on main');
  s.git(s.author, 'push', '--quiet', 'origin', 'main');
  s.git(s.author, 'checkout', '--quiet', '-b', 'feature');
  s.commit({ 'new.ini': `# added by the PR\n${creds(added)}` }, 'c2: add a secret');
  s.commit({ 'new.ini': null }, 'c3: delete it again');
  const c4 = s.commit({ 'src/app.ts': 'export const x = 1;\n' }, 'c4: clean');
  s.git(s.author, 'push', '--quiet', 'origin', 'feature');
  s.git(s.author, 'checkout', '--quiet', 'main');
  const c5 = s.commit({ 'docs.md': 'main moved on\n' }, 'c5: main moves on');
  s.git(s.author, 'push', '--quiet', 'origin', 'main');
  return { s, pairs: [old, added], c1, c5, c4 };
}

function prEvent(h: History, shas: { base?: string; head?: string } = {}) {
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        commits: 3,
        base: { sha: shas.base ?? h.c5, ref: 'main' },
        head: { sha: shas.head ?? h.c4, ref: 'feature' },
      },
      repository: { default_branch: 'main' },
    },
  };
}

/** Commits files on main (the PR's base moves on) and pushes; returns the new base. */
function onMain(h: History, files: Record<string, string | null>, message: string): string {
  h.s.git(h.s.author, 'checkout', '--quiet', 'main');
  const sha = h.s.commit(files, message);
  h.s.git(h.s.author, 'push', '--quiet', 'origin', 'main');
  return sha;
}

/** Commits files on the PR's branch and pushes; returns the new head. */
function onFeature(h: History, files: Record<string, string | null>, message: string): string {
  h.s.git(h.s.author, 'checkout', '--quiet', 'feature');
  const sha = h.s.commit(files, message);
  h.s.git(h.s.author, 'push', '--quiet', 'origin', 'feature');
  h.s.git(h.s.author, 'checkout', '--quiet', 'main');
  return sha;
}

/** A baseline accepting the PR's secret in new.ini, made by the CLI from a tree that holds it. */
function acceptedBaseline(h: History): string {
  const tree = h.s.checkout(`accept-${Math.random().toString(36).slice(2)}`, 'feature', 0);
  h.s.git(tree, 'checkout', '--quiet', `${h.c4}~2`);
  const out = join(h.s.root, `accepted-${Math.random().toString(36).slice(2)}.json`);
  const made = runCli(['baseline', '--output', out], { cwd: tree });
  expect(made.code, made.stderr).toBe(0);
  const accepted = JSON.parse(readFileSync(out, 'utf8'));
  return formatBaseline(
    accepted.entries.filter((e: { path: string }) => e.path === 'new.ini'),
    accepted.key,
  );
}

function errorLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('::error file='));
}

interface Sarif {
  runs: {
    results: {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
    }[];
  }[];
}

describe('GitHub Action: pull_request', () => {
  it('scans exactly the PR commits from a shallow checkout (fetching history), fails with annotations, summary, SARIF and outputs', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'feature', 1);
    const r = runAction(h.s, ws, prEvent(h));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    // The PR added a secret and deleted it two commits later: still found; old.ini on main is not the PR's.
    expect(errorLines(r.stdout)).toHaveLength(1);
    expect(errorLines(r.stdout)[0]).toMatch(
      /^::error file=new\.ini,line=3,endLine=3,col=21,endColumn=41,title=AWS access key pair \[aws-access-key-pair\]::/,
    );
    expect(r.stdout).toContain('::error title=keyguard::1 finding at or above low');
    expect(r.outputs).toMatchObject({ findings: '1', sarif: 'keyguard.sarif', commits: '3' });
    expect(r.outputs.scope).toContain(`${h.c5.slice(0, 12)}..${h.c4.slice(0, 12)}`);
    expect(r.stdout).toMatch(/keyguard: fetched|shallow clone/);
    expect(r.summary).toMatch(/^## ❌ keyguard: 1 finding \(1 high\)/);
    expect(r.summary).toContain('`new.ini:3:21`');
    expect(r.summary).not.toContain('old.ini');
    expect(r.summary).toContain('(3 commits)');
    expect(sarifErrors(r.sarif)).toEqual([]);
    const results = (r.sarif as Sarif).runs[0]?.results ?? [];
    expect(results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual([
      'new.ini',
    ]);
    const everything = [r.stdout, r.summary, readFileSync(join(ws, 'keyguard.sarif'), 'utf8')].join(
      '\n',
    );
    expect(leaks(everything, h.pairs)).toEqual([]);
  });

  it('works the same from a full checkout, and writes the SARIF where asked', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'feature', 0);
    const r = runAction(h.s, ws, prEvent(h), { 'sarif-file': 'reports/out.sarif' });
    expect(r.code).toBe(1);
    expect(r.outputs).toMatchObject({ findings: '1', sarif: 'reports/out.sarif', commits: '3' });
    expect(sarifErrors(r.sarif)).toEqual([]);
  });

  it("honours the base commit's baseline: the accepted PR secret passes, counted as suppressed", () => {
    const h = prHistory();
    const base = onMain(h, { '.keyguard-baseline.json': acceptedBaseline(h) }, 'accept new.ini');
    const ws = h.s.checkout('ws', 'feature', 0);
    const r = runAction(h.s, ws, prEvent(h, { base }));
    expect(r.code).toBe(0);
    expect(r.outputs.findings).toBe('0');
    expect(r.summary).toContain('1 suppressed (1 baseline)');
    expect(r.summary).toContain(`Configuration: the base commit ${base.slice(0, 12)}`);
  });

  it('fail-on decides which severities fail: a lone key ID (low) passes fail-on high, still annotated', () => {
    const h = prHistory();
    const lone = fakePair();
    h.s.git(h.s.author, 'checkout', '--quiet', 'feature');
    const head = h.s.commit({ 'src/ids.ts': `export const id = '${lone.id}';\n` }, 'c6: a key id');
    h.s.git(h.s.author, 'push', '--quiet', 'origin', 'feature');
    const ws = h.s.checkout('ws', 'feature', 1);
    const event = prEvent(h);
    event.payload.pull_request.head.sha = head;
    const strict = runAction(h.s, ws, event);
    expect(strict.code).toBe(1);
    const relaxed = runAction(h.s, ws, event, { 'fail-on': 'critical' });
    expect(relaxed.code).toBe(0);
    expect(relaxed.outputs.findings).toBe('2');
    expect(relaxed.stdout).toMatch(/^::warning file=src\/ids\.ts,line=1,/m);
    expect(relaxed.stdout).not.toContain('::error title=keyguard::');
  });

  it('never passes on a shallow checkout whose history cannot be fetched: exit 2 with the fix', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'feature', 1);
    h.s.git(ws, 'remote', 'set-url', 'origin', `file://${join(h.s.root, 'gone.git')}`);
    const r = runAction(h.s, ws, prEvent(h));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /^::error title=keyguard::base commit \w{12} is not in the checkout.*fetch-depth%3A 0|fetch-depth: 0/m,
    );
    expect(r.summary).toContain('keyguard could not scan');
    expect(r.summary).toContain('fetch-depth: 0');
    expect(r.outputs.sarif).toBe('');
  });

  it('fails on a payload without the PR shas instead of scanning nothing', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'feature', 0);
    const r = runAction(h.s, ws, {
      name: 'pull_request',
      payload: { pull_request: { base: {}, head: {} } },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('pull_request.base.sha');
  });
});

describe('GitHub Action: push', () => {
  it('scans before..after only: a new secret fails, the old one on main is out of scope', () => {
    const h = prHistory();
    const pushed = fakePair();
    const after = h.s.commit({ 'push.ini': creds(pushed) }, 'c6: push a secret');
    h.s.git(h.s.author, 'push', '--quiet', 'origin', 'main');
    const ws = h.s.checkout('ws', 'main', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/main',
        before: h.c5,
        after,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(errorLines(r.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(['push.ini']);
    expect(r.outputs).toMatchObject({ findings: '1', commits: '1' });
    expect(leaks(r.stdout + r.summary, [...h.pairs, pushed])).toEqual([]);
  });

  it('passes a clean push and says how many commits it scanned', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'main', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/main',
        before: h.c1,
        after: h.c5,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ findings: '0', commits: '1' });
    expect(r.summary).toMatch(/^## ✅ keyguard: no AWS credentials found/);
    expect(sarifErrors(r.sarif)).toEqual([]);
  });

  it('new branch (all-zero before): scans the commits the default branch does not have', () => {
    const h = prHistory();
    const topicKey = fakePair();
    h.s.git(h.s.author, 'checkout', '--quiet', '-b', 'topic', h.c1);
    h.s.commit({ 'topic.ini': creds(topicKey) }, 't1');
    const t2 = h.s.commit({ 'topic.md': 'more\n' }, 't2');
    h.s.git(h.s.author, 'push', '--quiet', 'origin', 'topic');
    const ws = h.s.checkout('ws', 'topic', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/topic',
        before: ZERO,
        after: t2,
        created: true,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(errorLines(r.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(['topic.ini']);
    expect(r.outputs).toMatchObject({ findings: '1', commits: '2' });
    expect(r.outputs.scope).toContain('branch topic');
  });

  it('force push whose before is gone: falls back to the branch commits, says so', () => {
    const h = prHistory();
    h.s.git(h.s.author, 'checkout', '--quiet', '-b', 'topic', h.c1);
    // A commit that never reached the remote: after the force push nobody can fetch it.
    const lost = h.s.commit({ 'lost.md': 'x\n' }, 'lost');
    h.s.git(h.s.author, 'reset', '--quiet', '--hard', h.c1);
    const forced = fakePair();
    const f1 = h.s.commit({ 'force.ini': creds(forced) }, 'f1');
    h.s.git(h.s.author, 'push', '--quiet', '--force', 'origin', 'topic');
    const ws = h.s.checkout('ws', 'topic', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/topic',
        before: lost,
        after: f1,
        forced: true,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is gone (force push)');
    expect(errorLines(r.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(['force.ini']);
    expect(r.outputs.commits).toBe('1');
  });

  it('force push whose before is still fetchable: scans before..after (the rewritten commits)', () => {
    const h = prHistory();
    h.s.git(h.s.author, 'checkout', '--quiet', '-b', 'topic', h.c1);
    const t1 = h.s.commit({ 'a.md': 'a\n' }, 't1');
    h.s.git(h.s.author, 'push', '--quiet', 'origin', 'topic');
    h.s.git(h.s.author, 'reset', '--quiet', '--hard', h.c1);
    const k = fakePair();
    const f1 = h.s.commit({ 'rewritten.ini': creds(k) }, 'f1');
    h.s.git(h.s.author, 'push', '--quiet', '--force', 'origin', 'topic');
    const ws = h.s.checkout('ws', 'topic', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/topic',
        before: t1,
        after: f1,
        forced: true,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(errorLines(r.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(['rewritten.ini']);
  });

  it('a deleted branch has nothing to scan: exit 0, says why', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'main', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: { ref: 'refs/heads/feature', before: h.c4, after: ZERO, deleted: true },
    });
    expect(r.code).toBe(0);
    expect(r.outputs.findings).toBe('0');
    expect(r.summary).toContain('nothing to scan (refs/heads/feature was deleted)');
  });
});

describe('GitHub Action: a push that creates branches', () => {
  /** The event GitHub sends for one ref of a push that creates it; null: no default branch. */
  function created(branch: string, after: string, defaultBranch: string | null = 'main') {
    return {
      name: 'push',
      payload: {
        ref: `refs/heads/${branch}`,
        before: ZERO,
        after,
        created: true,
        ...(defaultBranch === null ? {} : { repository: { default_branch: defaultBranch } }),
      },
    };
  }

  function flagged(r: { stdout: string }): (string | undefined)[] {
    return errorLines(r.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1]);
  }

  /** A sandbox whose origin has main (two clean commits) and nothing else. */
  function cleanMain(): Sandbox {
    const s = createSandbox();
    sandboxes.push(s);
    s.commit({ 'README.md': 'hello\n' }, 'c0');
    s.commit({ 'src/app.ts': 'export const x = 1;\n' }, 'c1');
    s.git(s.author, 'push', '--quiet', 'origin', 'main');
    return s;
  }

  it('two new branches at one new commit, pushed together: each run scans it and fails', () => {
    const s = cleanMain();
    const key = fakePair();
    s.git(s.author, 'checkout', '--quiet', '-b', 'feature');
    const head = s.commit({ 'prod.env': creds(key) }, 'add creds');
    // One push, two push events; the full checkout of each run holds the other branch too.
    s.git(s.author, 'push', '--quiet', 'origin', 'HEAD:feature', 'HEAD:feature-backup');
    for (const branch of ['feature', 'feature-backup']) {
      const ws = s.checkout(`ws-${branch}`, branch, 0);
      const r = runAction(s, ws, created(branch, head));
      expect(r.code, branch).toBe(1);
      expect(flagged(r), branch).toEqual(['prod.env']);
      expect(r.outputs, branch).toMatchObject({ findings: '1', commits: '1' });
      expect(r.outputs.scope).toBe(`push: branch ${branch}: commits not on main (1 commit)`);
      expect(leaks(r.stdout + r.summary, [key])).toEqual([]);
    }
  });

  it('a new branch whose commits are all on the default branch: 0 new commits, clean, says so', () => {
    const h = prHistory();
    // release starts at main's tip, which holds an old secret (c1): nothing in it is new.
    h.s.git(h.s.author, 'push', '--quiet', 'origin', `${h.c5}:refs/heads/release`);
    const ws = h.s.checkout('ws', 'release', 0);
    const r = runAction(h.s, ws, created('release', h.c5));
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({ findings: '0', commits: '0' });
    expect(r.outputs.scope).toBe('push: branch release: commits not on main (0 commits)');
  });

  it('a new repository pushed with main and develop at once: the default branch scans its whole history', () => {
    const s = createSandbox();
    sandboxes.push(s);
    const key = fakePair();
    s.commit({ 'README.md': 'hello\n' }, 'c0');
    s.commit({ 'config.ini': creds(key) }, 'c1: a key');
    const head = s.commit({ 'src/app.ts': 'export const x = 1;\n' }, 'c2');
    s.git(s.author, 'branch', 'develop');
    s.git(s.author, 'push', '--quiet', 'origin', 'main', 'develop');

    const main = runAction(s, s.checkout('ws-main', 'main', 0), created('main', head));
    expect(main.code).toBe(1);
    expect(flagged(main)).toEqual(['config.ini']);
    expect(main.outputs.commits).toBe('3');
    expect(main.outputs.scope).toContain(
      'branch main: its whole history (it is the default branch)',
    );

    // develop brings nothing main lacks: main's own run is the one that fails.
    const ws = s.checkout('ws-develop', 'develop', 0);
    const develop = runAction(s, ws, created('develop', head));
    expect(develop.code).toBe(0);
    expect(develop.outputs.commits).toBe('0');

    // A payload that names no default branch vouches for nothing: every commit is scanned.
    const unknown = runAction(s, ws, created('develop', head, null));
    expect(unknown.code).toBe(1);
    expect(unknown.outputs.commits).toBe('3');
    expect(unknown.outputs.scope).toContain('its whole history (the default branch is not known)');
  });

  it('force push whose before is gone, plus a backup branch in the same push: still scanned', () => {
    const s = cleanMain();
    s.git(s.author, 'checkout', '--quiet', '-b', 'topic');
    // A commit that never reached the remote: after the force push nobody can fetch it.
    const lost = s.commit({ 'lost.md': 'x\n' }, 'lost');
    s.git(s.author, 'reset', '--quiet', '--hard', 'main');
    const key = fakePair();
    const f1 = s.commit({ 'force.ini': creds(key) }, 'f1');
    s.git(s.author, 'push', '--quiet', '--force', 'origin', 'topic', 'topic:topic-backup');
    const ws = s.checkout('ws', 'topic', 0);
    const r = runAction(s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/topic',
        before: lost,
        after: f1,
        forced: true,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('is gone (force push): scanning it as a new branch');
    expect(flagged(r)).toEqual(['force.ini']);
    expect(r.outputs.commits).toBe('1');
    expect(r.outputs.scope).toContain('branch topic: commits not on main');
  });

  it('the default branch force-pushed with a copy in the same push: its own run scans the new commits', () => {
    const s = cleanMain();
    const old = s.git(s.author, 'rev-parse', 'HEAD');
    const lost = s.commit({ 'lost.md': 'x\n' }, 'never pushed');
    s.git(s.author, 'reset', '--quiet', '--hard', `${old}~1`);
    const key = fakePair();
    const rewritten = s.commit({ 'rewrite.ini': creds(key) }, 'rewrite main');
    s.git(s.author, 'push', '--quiet', '--force', 'origin', 'main', 'main:refs/heads/copy');
    const ws = s.checkout('ws', 'main', 0);
    const forced = (before: string) => ({
      name: 'push',
      payload: {
        ref: 'refs/heads/main',
        before,
        after: rewritten,
        forced: true,
        repository: { default_branch: 'main' },
      },
    });
    // before gone: nothing vouches for the default branch's commits, the copy least of all.
    const gone = runAction(s, ws, forced(lost));
    expect(gone.code).toBe(1);
    expect(flagged(gone)).toEqual(['rewrite.ini']);
    expect(gone.outputs.commits).toBe('2');
    expect(gone.outputs.scope).toContain('its whole history (it is the default branch)');
    // before still there: before..after holds the rewritten commit.
    const kept = runAction(s, ws, forced(old));
    expect(kept.code).toBe(1);
    expect(flagged(kept)).toEqual(['rewrite.ini']);
    // The copy brings nothing the default branch lacks: the key is the default branch's run's.
    const copy = runAction(s, s.checkout('ws-copy', 'copy', 0), created('copy', rewritten));
    expect(copy.code).toBe(0);
    expect(copy.outputs.commits).toBe('0');
  });

  it('the default branch from the event: an odd name fails the run, one origin lacks scans everything', () => {
    const s = cleanMain();
    const key = fakePair();
    s.git(s.author, 'checkout', '--quiet', '-b', 'feature');
    const head = s.commit({ 'prod.env': creds(key) }, 'add creds');
    s.git(s.author, 'push', '--quiet', 'origin', 'HEAD:feature', 'HEAD:feature-backup');
    const ws = s.checkout('ws', 'feature', 0);
    const marker = join(s.root, 'pwned');
    for (const name of [
      `--upload-pack=touch ${marker}; git-upload-pack`,
      '-main',
      'main..feature-backup',
      'feature-*',
      'main:refs/remotes/origin/main',
      'main~1',
      'ma in',
    ]) {
      const r = runAction(s, ws, created('feature', head, name));
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toContain('repository.default_branch is not a valid branch name');
      expect(r.outputs.sarif, name).toBe('');
    }
    expect(existsSync(marker)).toBe(false);
    // A default branch origin does not have (a new repository's) vouches for nothing.
    const r = runAction(s, ws, created('feature', head, 'trunk'));
    expect(r.code).toBe(1);
    expect(flagged(r)).toEqual(['prod.env']);
    expect(r.outputs.commits).toBe('3');
    expect(r.stdout).toContain('the default branch trunk could not be fetched from origin');
  });
});

describe('GitHub Action: schedule and workflow_dispatch', () => {
  it('scans the whole tree, honours the baseline and reports stale entries (fail-on-stale fails)', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'main', 1);
    const dispatch = { name: 'workflow_dispatch', payload: { inputs: {} } };
    const first = runAction(h.s, ws, dispatch);
    expect(first.code).toBe(1);
    expect(errorLines(first.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(['old.ini']);
    expect(first.outputs.commits).toBe('0');
    expect(runCli(['baseline'], { cwd: ws }).code).toBe(0);
    const baseline = JSON.parse(readFileSync(join(ws, '.keyguard-baseline.json'), 'utf8'));
    baseline.entries.push({
      ruleId: 'aws-access-key-id',
      path: 'gone.txt',
      secretHash: 'e'.repeat(64),
    });
    writeFileSync(
      join(ws, '.keyguard-baseline.json'),
      formatBaseline(baseline.entries, baseline.key),
    );
    const second = runAction(h.s, ws, { name: 'schedule', payload: { schedule: '0 3 * * *' } });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      '::warning file=gone.txt,title=Stale keyguard baseline entry::',
    );
    expect(second.summary).toContain('### 1 stale baseline entry');
    const strict = runAction(h.s, ws, dispatch, { 'fail-on-stale': 'true' });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('stale baseline entry (fail-on-stale)');
  });

  it('rejects a bad input with exit 2 and names it', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'main', 1);
    const r = runAction(
      h.s,
      ws,
      { name: 'workflow_dispatch', payload: {} },
      { 'fail-on': 'severe' },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("input 'fail-on' takes one of");
  });
});

/** A user rule pack whose texts try to become workflow commands. */
function hostilePack(title: string): string {
  return JSON.stringify({
    version: 1,
    name: 'hostile',
    rules: [
      {
        id: 'hostile-token',
        kind: 'secret',
        title,
        description: 'A token whose title tries to become a workflow command.',
        pattern: '\\b(kgdt_[A-Za-z0-9]{32})\\b',
        secretGroup: 1,
        keywords: ['kgdt_'],
        minEntropy: 3.5,
        report: 'labelled',
        labels: { strong: 'deploytoken' },
        severity: 'high',
        remediation: 'Revoke it.\n::add-mask::pwned-remediation',
        examples: {
          match: ['DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a'],
          noMatch: ['DEPLOY_TOKEN=kgdt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
        },
      },
    ],
  });
}

/** Only keyguard's own commands: one stop token of its making, annotations of real files. */
function expectOnlyOwnCommands(stdout: string, files: readonly string[]): void {
  const commands = runnerCommands(stdout);
  const stops = commands.filter((c) => c.name === 'stop-commands');
  const tokens = new Set(stops.map((c) => c.data));
  expect(tokens.size).toBeLessThanOrEqual(1);
  for (const t of tokens) expect(t).toMatch(/^keyguard-[0-9a-f]{32}$/);
  for (const c of commands) {
    if (c.name === 'stop-commands' || tokens.has(c.name)) continue;
    expect(['error', 'warning', 'notice'], c.line).toContain(c.name);
    if (c.properties.file !== undefined) expect(files, c.line).toContain(c.properties.file);
    else expect(c.properties.title, c.line).toBe('keyguard');
    expect(c.data, c.line).not.toMatch(/^pwned/);
  }
}

describe('GitHub Action: hostile names, lines and rule packs', () => {
  it('nothing scanned becomes a workflow command: names with ::, CR and LF, lines with ::add-mask::, a rule title with ##[', () => {
    const s = createSandbox();
    sandboxes.push(s);
    s.commit(
      {
        'packs/hostile.json': hostilePack('Deploy token ##[add-mask]pwned-title ::error::x'),
        '.keyguard.json': JSON.stringify({ rules: ['packs/hostile.json'] }),
      },
      'c0: a user rule pack',
    );
    const base = s.git(s.author, 'rev-parse', 'HEAD');
    s.git(s.author, 'push', '--quiet', 'origin', 'main');
    s.git(s.author, 'checkout', '--quiet', '-b', 'feature');
    const names = [
      '::error::pwned.ini',
      'a\n::add-mask::pwned-newline.ini',
      'b\r::warning::pwned-cr.ini',
      '  ::notice::pwned-indented.ini',
      '\u3000::set-output name=x::pwned-wide.ini',
    ];
    const keys = names.map(() => fakePair());
    const files: Record<string, string> = {};
    names.forEach((n, i) => {
      files[n] = creds(keys[i] as FakePair);
    });
    const lone = fakePair();
    files['lines.txt'] =
      `::stop-commands::pwned\n::add-mask::${lone.id}\n##[add-mask]pwned ${lone.id}\n` +
      'DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a ::error::pwned-line\n';
    const head = s.commit(files, '::error::pwned-commit-message\n\n::add-mask::pwned');
    s.git(s.author, 'push', '--quiet', 'origin', 'feature');
    const ws = s.checkout('ws', 'feature', 0);
    const r = runAction(s, ws, {
      name: 'pull_request',
      payload: {
        pull_request: { base: { sha: base, ref: 'main' }, head: { sha: head, ref: 'feature' } },
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toBe('');
    expectOnlyOwnCommands(r.stdout, [...names, 'lines.txt']);
    // Every hostile file still has its annotation, attached to the right file.
    const annotated = runnerCommands(r.stdout)
      .map((c) => c.properties.file)
      .filter((f) => f !== undefined);
    for (const n of names) expect(annotated).toContain(n);
    expect(leaks(r.stdout + r.summary, [...keys, lone])).toEqual([]);
    // The summary keeps each name inside its table cell.
    expect(r.summary).not.toContain('<img');
    expect(r.summary).not.toMatch(/^::/m);
  });

  it('error details (a broken rule pack named by the config) cannot become commands either', () => {
    const s = createSandbox();
    sandboxes.push(s);
    const packName = 'packs/##[add-mask]pwned::error::x.json';
    const broken = JSON.parse(hostilePack('t')) as { rules: { pattern: string }[] };
    (broken.rules[0] as { pattern: string }).pattern = '(::add-mask::pwned-regex';
    s.commit(
      {
        [packName]: JSON.stringify(broken),
        '.keyguard.json': JSON.stringify({ rules: [packName] }),
      },
      'c0: a broken pack',
    );
    s.git(s.author, 'push', '--quiet', 'origin', 'main');
    const ws = s.checkout('ws', 'main', 0);
    const r = runAction(s, ws, { name: 'workflow_dispatch', payload: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('invalid rule pack');
    expectOnlyOwnCommands(r.stdout, []);
    expect(r.summary).toContain('keyguard could not scan');
    expect(r.summary).not.toMatch(/(?<!\\)\[add-mask\]/);
  });
});

describe('GitHub Action: the SARIF file and symbolic links in the checkout', () => {
  it('refuses a sarif-file the checkout made a symbolic link, or put behind a folder link leading outside', () => {
    const h = prHistory();
    const victim = join(h.s.root, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const outside = join(h.s.root, 'outside');
    mkdirSync(outside);
    h.s.git(h.s.author, 'checkout', '--quiet', 'feature');
    symlinkSync(victim, join(h.s.author, 'keyguard.sarif'));
    symlinkSync(outside, join(h.s.author, 'reports'));
    h.s.git(h.s.author, 'add', 'keyguard.sarif', 'reports');
    const head = h.s.commit({}, 'c6: links');
    h.s.git(h.s.author, 'push', '--quiet', 'origin', 'feature');
    const ws = h.s.checkout('ws', 'feature', 0);
    const event = prEvent(h);
    event.payload.pull_request.head.sha = head;
    const link = runAction(h.s, ws, event);
    expect(link.code).toBe(2);
    expect(link.stdout).toMatch(
      /^::error title=keyguard::cannot write sarif-file keyguard\.sarif: it is a symbolic link, which keyguard does not follow/m,
    );
    expect(link.outputs.sarif).toBe('');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const folder = runAction(h.s, ws, event, { 'sarif-file': 'reports/keyguard.sarif' });
    expect(folder.code).toBe(2);
    expect(folder.stdout).toMatch(
      /cannot write sarif-file reports\/keyguard\.sarif: its folder reports is a symbolic link leading outside/,
    );
    expect(readdirSync(outside)).toEqual([]);
    // A folder of the workspace's own is fine, made when missing.
    const fine = runAction(h.s, ws, event, { 'sarif-file': 'out/deep/keyguard.sarif' });
    expect(fine.code).toBe(1);
    expect(existsSync(join(ws, 'out', 'deep', 'keyguard.sarif'))).toBe(true);
  });
});

describe('GitHub Action: revision inputs', () => {
  it('refuses base/head inputs that are not one revision: exit 2, one line, nothing run', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'feature', 1);
    const marker = join(h.s.root, 'pwned');
    const dispatch = { name: 'workflow_dispatch', payload: {} };
    const cases: [Record<string, string>, string][] = [
      [{ base: `--upload-pack=touch ${marker}`, head: h.c4 }, "input 'base' must name one commit"],
      [{ base: h.c5, head: '-h' }, "input 'head' must name one commit"],
      [{ base: `${h.c1}..${h.c4}`, head: h.c4 }, "contains '..'"],
    ];
    for (const [inputs, message] of cases) {
      const r = runAction(h.s, ws, dispatch, inputs);
      expect(r.code).toBe(2);
      const errors = runnerCommands(r.stdout).filter((c) => c.name === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.data).toContain(message);
    }
    expect(existsSync(marker)).toBe(false);
    const fine = runAction(h.s, ws, dispatch, { base: h.c5, head: h.c4 });
    expect(fine.code).toBe(1);
  });
});

/** A user rule pack that, once applied, allowlists every value: what a PR would add to hide a key. */
function allowEverythingPack(): string {
  const pack = JSON.parse(hostilePack('Harmless-looking rule')) as Record<string, unknown>;
  pack.allowlist = { valuePatterns: [{ pattern: '.', reason: 'nothing to see' }] };
  return JSON.stringify(pack);
}

describe('GitHub Action: a pull request cannot switch its own check off', () => {
  const attempts: [string, (h: History) => Record<string, string>, string[]][] = [
    [
      'allowlists its own file',
      () => ({
        '.keyguard.json': JSON.stringify({
          allowlist: { paths: [{ glob: 'new.ini', reason: 'trust me' }] },
        }),
      }),
      ['.keyguard.json'],
    ],
    [
      'disables the rules',
      () => ({
        '.keyguard.json': JSON.stringify({
          disableRules: [
            'aws-access-key-pair',
            'aws-access-key-id',
            'aws-secret-access-key',
            'aws-temporary-credential-pair',
            'aws-temporary-access-key-id',
            'aws-session-token',
          ],
        }),
      }),
      ['.keyguard.json'],
    ],
    [
      'adds a baseline entry for its key',
      (h) => ({ '.keyguard-baseline.json': acceptedBaseline(h) }),
      ['.keyguard-baseline.json'],
    ],
    [
      'adds a rule pack that allowlists everything',
      () => ({
        'packs/team.json': allowEverythingPack(),
        '.keyguard.json': JSON.stringify({ rules: ['packs/team.json'] }),
      }),
      ['.keyguard.json', 'packs/team.json'],
    ],
  ];

  it.each(attempts)(
    'a PR that %s is still caught, and the summary says so; config-from: head honours it',
    (_, files, changed) => {
      const h = prHistory();
      const head = onFeature(h, files(h), 'c6: please look away');
      const ws = h.s.checkout('ws', 'feature', 0);
      const event = prEvent(h, { head });
      const r = runAction(h.s, ws, event);
      expect(r.code, r.stdout).toBe(1);
      expect(errorLines(r.stdout).map((l) => /file=([^,]+)/.exec(l)?.[1])).toEqual(['new.ini']);
      for (const path of changed) {
        expect(r.summary).toContain(`${path} changed in this pull request, not applied`);
        expect(r.stdout).toContain(`keyguard: ${path} changed in this pull request, not applied`);
      }
      expect(r.summary).toContain(
        `Configuration: the base commit ${h.c5.slice(0, 12)} (config-from: base)`,
      );
      const warnings = runnerCommands(r.stdout).filter(
        (c) => c.name === 'warning' && c.properties.title === 'keyguard',
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.data).toContain('changed in this pull request, not applied');
      // The team's own choice: the PR's configuration applies, and nothing is listed as ignored.
      const opted = runAction(h.s, ws, event, { 'config-from': 'head' });
      expect(opted.code, opted.stdout).toBe(0);
      expect(opted.summary).toContain(
        `Configuration: the head commit ${head.slice(0, 12)} (config-from: head)`,
      );
      expect(opted.summary).not.toContain('not applied');
    },
  );

  it('applies what the base says, even when the PR deletes it', () => {
    const h = prHistory();
    const base = onMain(
      h,
      {
        '.keyguard.json': JSON.stringify({
          allowlist: { paths: [{ glob: 'new.ini', reason: 'fixtures' }] },
        }),
      },
      'allow new.ini on main',
    );
    // The PR branch has no .keyguard.json at all; the base's allowlist still applies.
    const ws = h.s.checkout('ws', 'feature', 0);
    const r = runAction(h.s, ws, prEvent(h, { base }));
    expect(r.code).toBe(0);
    expect(r.summary).toContain('1 suppressed (1 allowlist)');
    // A work tree edit (not even committed) changes nothing either.
    writeFileSync(join(ws, '.keyguard.json'), JSON.stringify({ disableRules: ['nothing'] }));
    expect(runAction(h.s, ws, prEvent(h, { base })).code).toBe(0);
  });

  it('an invalid base configuration fails the run (exit 2), naming the base commit', () => {
    const h = prHistory();
    const base = onMain(h, { '.keyguard.json': '{ "failOn": "sometimes" }' }, 'broken config');
    const ws = h.s.checkout('ws', 'feature', 0);
    const r = runAction(h.s, ws, prEvent(h, { base }));
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`.keyguard.json (base commit ${base.slice(0, 12)})`);
  });

  it('push: the configuration comes from before; the pushed change to it is listed, not applied', () => {
    const h = prHistory();
    const pushed = fakePair();
    const after = onMain(
      h,
      {
        'push.ini': creds(pushed),
        '.keyguard.json': JSON.stringify({
          allowlist: { paths: [{ glob: 'push.ini', reason: 'trust me' }] },
        }),
      },
      'c6: push a secret and allow it',
    );
    const ws = h.s.checkout('ws', 'main', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/main',
        before: h.c5,
        after,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(r.summary).toContain('.keyguard.json changed in the pushed commits, not applied');
    expect(leaks(r.stdout + r.summary, [pushed])).toEqual([]);
  });

  it("push of a new branch: the default branch's configuration applies, the branch's own is listed", () => {
    const h = prHistory();
    const k = fakePair();
    h.s.git(h.s.author, 'checkout', '--quiet', '-b', 'topic', h.c1);
    const t1 = h.s.commit(
      {
        'topic.ini': creds(k),
        '.keyguard.json': JSON.stringify({
          allowlist: { paths: [{ glob: 'topic.ini', reason: 'trust me' }] },
        }),
      },
      't1',
    );
    h.s.git(h.s.author, 'push', '--quiet', 'origin', 'topic');
    const ws = h.s.checkout('ws', 'topic', 1);
    const r = runAction(h.s, ws, {
      name: 'push',
      payload: {
        ref: 'refs/heads/topic',
        before: ZERO,
        after: t1,
        created: true,
        repository: { default_branch: 'main' },
      },
    });
    expect(r.code).toBe(1);
    expect(r.summary).toContain(`Configuration: the default branch at ${h.c5.slice(0, 12)}`);
    expect(r.summary).toContain('.keyguard.json changed in the pushed commits, not applied');
  });

  it('rejects an unknown config-from value', () => {
    const h = prHistory();
    const ws = h.s.checkout('ws', 'feature', 0);
    const r = runAction(h.s, ws, prEvent(h), { 'config-from': 'checkout' });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("input 'config-from' takes base or head");
  });
});
