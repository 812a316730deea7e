import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  credentialsFile,
  type FakeCredentials,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

interface JsonFinding {
  kind: string;
  path: string;
  commit?: { sha: string };
}
interface JsonReport {
  findings: JsonFinding[];
  coverage?: Record<string, string | number | boolean>;
}

const repo = useTempRepos();

function history(r: TempRepo, ...args: string[]) {
  const res = r.keyguard(['history', '--format', 'json', ...args]);
  expect(res.stderr).not.toMatch(/internal error/);
  expect(res.stdout, res.stderr).not.toBe('');
  const report = JSON.parse(res.stdout) as JsonReport;
  return { code: res.code, report, raw: res.stdout + res.stderr, stderr: res.stderr };
}

function pairCommits(report: JsonReport): string[] {
  return report.findings
    .filter((f) => f.kind === 'credential-pair')
    .map((f) => f.commit?.sha ?? '')
    .sort();
}

function commitKey(r: TempRepo, path: string, c: FakeCredentials, message: string): string {
  r.write(path, credentialsFile(c));
  return r.commitAll(message);
}

/**
 * main: c0 ─ k1 (key 1 in one.ini) ─ c2 ─ k3 (key 3 in three.ini) ─ c4
 * The ranges c0..k1 and c2..k3 are disjoint: git log would intersect them into nothing.
 */
function linear(r: TempRepo) {
  r.write('readme.txt', 'zero\n');
  const c0 = r.commitAll('c0');
  const key1 = fakeCredentials(101);
  const k1 = commitKey(r, 'one.ini', key1, 'k1');
  r.write('readme.txt', 'two\n');
  const c2 = r.commitAll('c2');
  const key3 = fakeCredentials(103);
  const k3 = commitKey(r, 'three.ini', key3, 'k3');
  r.write('readme.txt', 'four\n');
  const c4 = r.commitAll('c4');
  return { c0, k1, c2, k3, c4, key1, key3 };
}

describe('keyguard history: aiming', () => {
  it('several ranges mean their union: each range is scanned, each commit once', () => {
    const r = repo();
    const h = linear(r);
    // What git itself makes of the same words: the intersection, here empty.
    expect(r.git('rev-list', '--count', `${h.c0}..${h.k1}`, `${h.c2}..${h.k3}`).trim()).toBe('1');
    const both = history(r, `${h.c0}..${h.k1}`, `${h.c2}..${h.k3}`);
    expect(both.code).toBe(1);
    expect(pairCommits(both.report)).toEqual([h.k1, h.k3].sort());
    expect(both.report.coverage?.commits).toBe(2);
    expect(both.report.coverage?.commitsInRange).toBe(2);
    // Overlapping ranges: the shared commits are scanned once.
    const overlap = history(r, `${h.c0}..${h.k3}`, `${h.k1}..${h.c4}`);
    expect(overlap.report.coverage?.commits).toBe(4);
    expect(pairCommits(overlap.report)).toEqual([h.k1, h.k3].sort());
    // A range plus a plain revision: the union too.
    const mixed = history(r, `${h.c2}..${h.k3}`, h.k1);
    expect(mixed.report.coverage?.commits).toBe(3);
    expect(pairCommits(mixed.report)).toEqual([h.k1, h.k3].sort());
  });

  it('a key kept across both ranges is attributed to the older commit, in the union', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    const c0 = r.commitAll('c0');
    const key = fakeCredentials(104);
    r.write('app.ini', `${credentialsFile(key)}v = 1\n`);
    const first = r.commitAll('first');
    r.write('b.txt', 'b\n');
    const mid = r.commitAll('mid');
    r.write('app.ini', `${credentialsFile(key)}v = 2\n`);
    const second = r.commitAll('second');
    // Given newest range first: the order on the command line does not change attribution.
    const { report } = history(r, `${mid}..${second}`, `${c0}..${first}`);
    const found = report.findings.filter((f) => f.kind === 'credential-pair');
    expect(found).toHaveLength(1);
    expect(found[0]?.commit?.sha).toBe(first);
  });

  it('a single commit: <sha>^! and -n 1 <sha>', () => {
    const r = repo();
    const h = linear(r);
    const bang = history(r, `${h.k3}^!`);
    expect(bang.report.coverage?.commits).toBe(1);
    expect(pairCommits(bang.report)).toEqual([h.k3]);
    const one = history(r, '-n', '1', h.k1);
    expect(one.report.coverage?.commits).toBe(1);
    expect(pairCommits(one.report)).toEqual([h.k1]);
    // A clean single commit is clean, though its parents hold a key.
    expect(history(r, `${h.c4}^!`).code).toBe(0);
    // -n over a union: the newest n commits of it.
    const newest = history(r, `${h.c0}..${h.k1}`, `${h.c2}..${h.c4}`, '--max-count', '2');
    expect(newest.report.coverage?.commits).toBe(2);
    expect(pairCommits(newest.report)).toEqual([h.k3]);
  });

  it('--since, --until and --author limit the commits', () => {
    const r = repo();
    const h = linear(r);
    const key5 = fakeCredentials(105);
    r.write('five.ini', credentialsFile(key5));
    r.git('add', '-A');
    r.git(
      'commit',
      '-q',
      '--no-verify',
      '--author=Other Person <other@example.invalid>',
      '-m',
      'k5',
    );
    const k5 = r.git('rev-parse', 'HEAD').trim();
    const byOther = history(r, '--author', 'Other Person');
    expect(byOther.report.coverage?.commits).toBe(1);
    expect(pairCommits(byOther.report)).toEqual([k5]);
    const byTest = history(r, '--author', 'Test Author');
    expect(byTest.report.coverage?.commits).toBe(5);
    // Two --author: either of them.
    expect(history(r, '--author', 'Other', '--author', 'Test').report.coverage?.commits).toBe(6);
    // The helper dates commits a minute apart: aim at k3's own minute.
    const at = (sha: string) => Number(r.git('log', '-1', '--format=%ct', sha).trim());
    const iso = (t: number) => new Date(t * 1000).toISOString();
    const window = history(r, '--since', iso(at(h.c2) + 1), '--until', iso(at(h.k3)));
    expect(window.report.coverage?.commits).toBe(1);
    expect(pairCommits(window.report)).toEqual([h.k3]);
    expect(r.keyguard(['history', '--until', 'not a date']).code).toBe(2);
  });

  it('--branches, --tags, --remotes and --all select refs (and patterns)', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    const base = r.commitAll('init');
    r.git('checkout', '-q', '-b', 'feature/x');
    const onBranch = commitKey(r, 'b.ini', fakeCredentials(106), 'branch key');
    r.git('checkout', '-q', '--detach', base);
    const onTag = commitKey(r, 't.ini', fakeCredentials(107), 'tag key');
    r.git('tag', 'v1', onTag);
    r.git('checkout', '-q', '--detach', base);
    const onRemote = commitKey(r, 'r.ini', fakeCredentials(108), 'remote key');
    r.git('update-ref', 'refs/remotes/origin/gone', onRemote);
    r.git('checkout', '-q', 'main');
    expect(pairCommits(history(r, '--branches').report)).toEqual([onBranch]);
    expect(pairCommits(history(r, '--branches=feature/*').report)).toEqual([onBranch]);
    expect(pairCommits(history(r, '--branches=nothing*').report)).toEqual([]);
    expect(pairCommits(history(r, '--tags').report)).toEqual([onTag]);
    expect(pairCommits(history(r, '--remotes').report)).toEqual([onRemote]);
    expect(pairCommits(history(r, '--tags', '--remotes').report)).toEqual([onTag, onRemote].sort());
    expect(pairCommits(history(r, '--all').report)).toEqual([onBranch, onTag, onRemote].sort());
    expect(pairCommits(history(r).report)).toEqual([onBranch, onTag, onRemote].sort());
    // Excluding: everything but what main has (the base commit), and ^ on a branch.
    const notMain = history(r, '--all', '^main');
    expect(notMain.report.coverage?.commits).toBe(3);
    expect(history(r, 'feature/x', '^main').report.coverage?.commits).toBe(1);
  });

  it('pathspecs after -- limit the scan to those paths (history feature -- f.py)', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    r.git('checkout', '-q', '-b', 'feature');
    const inPy = commitKey(r, 'f.py', fakeCredentials(109), 'key in f.py');
    const elsewhere = commitKey(r, 'other.ini', fakeCredentials(110), 'key elsewhere');
    r.git('checkout', '-q', 'main');
    const py = history(r, 'feature', '--', 'f.py');
    expect(pairCommits(py.report)).toEqual([inPy]);
    expect(py.report.coverage?.commits).toBe(1);
    // Options still work before the --, pathspec magic works after it.
    const notPy = history(r, 'feature', '--', ':(exclude)f.py');
    expect(pairCommits(notPy.report)).toEqual([elsewhere]);
    // A pathspec that matches nothing scans nothing, and says so.
    const none = history(r, 'feature', '--', 'nope/');
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/selects no commits/);
    // A path after -- is never an option, even one that looks like it.
    const looks = history(r, 'feature', '--', '--output=x');
    expect(looks.code).toBe(0);
    expect(existsSync(join(r.dir, 'x'))).toBe(false);
  });

  it('--log-opts passes commit-selecting options through and refuses the rest', () => {
    const r = repo();
    const h = linear(r);
    r.git('checkout', '-q', '-b', 'side', h.c2);
    r.write('side.txt', 's\n');
    r.commitAll('side');
    r.git('checkout', '-q', 'main');
    r.git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
    const noMerges = history(r, 'main', '--log-opts', '--no-merges');
    expect(noMerges.report.coverage?.commits).toBe(6);
    const firstParent = history(r, 'main', '--log-opts=--first-parent --max-count=3');
    expect(firstParent.report.coverage?.commits).toBe(3);
    const quoted = history(r, '--log-opts', "--author 'Test Author' --grep=k -i");
    expect(quoted.report.coverage?.commits).toBe(2);
    expect(pairCommits(quoted.report)).toEqual([h.k1, h.k3].sort());
    const withRange = history(r, '--log-opts', `${h.c2}..${h.k3} -- three.ini`);
    expect(pairCommits(withRange.report)).toEqual([h.k3]);
    for (const bad of [
      '--output=x',
      '--output x',
      '--format=%H',
      '--pretty=oneline',
      '-p',
      '--patch',
      '--ext-diff',
      '--textconv',
      '--stdin',
      '--no-walk',
      '--diff-filter=A',
      '--follow',
      '--skip=1',
      '--graph',
      '--name-only',
      '-c',
      '--exec=touch x',
      '--open-files-in-pager=touch x',
      '--all-match=1',
      '--output=x --format=x',
      "'unterminated",
    ]) {
      const res = r.keyguard(['history', '--log-opts', bad]);
      expect(res.code, bad).toBe(2);
      expect(res.stdout, bad).toBe('');
      expect(res.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(res.stderr, bad).toMatch(/--log-opts/);
    }
    expect(existsSync(join(r.dir, 'x'))).toBe(false);
    // About 30 runs of the CLI: the ceiling catches a hang, not a slow machine.
  }, 120_000);
});
