import { afterEach, describe, expect, it } from 'vitest';
import {
  createRepo,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
} from '../helpers/git-repo.js';

// User configuration must not change what the gates see: a parser fooled by colour, prefixes or
// relative paths would scan nothing and pass (the failure users of other scanners report).
const HOSTILE: [string, string][] = [
  ['color.ui', 'always'],
  ['color.diff', 'always'],
  ['diff.noprefix', 'true'],
  ['diff.mnemonicPrefix', 'true'],
  ['diff.relative', 'true'],
  ['diff.external', 'false'],
  ['diff.renames', 'copies'],
  ['diff.suppressBlankEmpty', 'true'],
  ['diff.context', '7'],
  ['diff.interHunkContext', '9'],
  ['core.quotePath', 'true'],
  ['core.abbrev', '7'],
  ['log.abbrevCommit', 'true'],
  ['log.decorate', 'full'],
  ['log.showRoot', 'false'],
  ['log.diffMerges', 'separate'],
  ['format.pretty', 'oneline'],
  ['diff.orderFile', 'order.txt'],
];

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

describe('git gates under hostile git configuration', () => {
  it('staged and history still see every added line', () => {
    const r = createRepo();
    repos.push(r);
    for (const [k, v] of HOSTILE) r.git('config', k, v);
    r.write('order.txt', 'z*\n');
    r.write('sub/dir/a.txt', 'one\n\ntwo\n');
    r.commitAll('init');
    const c = fakeCredentials(51);
    r.write('sub/dir/a.txt', `one\n\ntwo\n\n${credentialsFile(c)}`);
    r.write('sub/ünï cödé.ini', credentialsFile(fakeCredentials(52)));
    r.git('add', '.');
    const staged = r.keyguard(['staged', '--format', 'json'], `${r.dir}/sub/dir`);
    expect(staged.code, staged.stderr).toBe(1);
    const paths = (
      JSON.parse(staged.stdout) as { findings: { path: string; line: number }[] }
    ).findings
      .map((f) => `${f.path}:${f.line}`)
      .sort();
    expect(paths).toContain('sub/dir/a.txt:6');
    expect(paths.some((p) => p.startsWith('sub/ünï cödé.ini:'))).toBe(true);
    r.commitAll('leak');
    const history = r.keyguard(['history', '--format', 'json']);
    expect(history.code, history.stderr).toBe(1);
    const report = JSON.parse(history.stdout) as {
      findings: { path: string }[];
      coverage: { commits: number };
    };
    expect(report.coverage.commits).toBe(2);
    expect(new Set(report.findings.map((f) => f.path))).toEqual(
      new Set(['sub/dir/a.txt', 'sub/ünï cödé.ini']),
    );
  });
});
