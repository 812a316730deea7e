import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pathspecsFromFolder } from '../../src/git/pathspecs-from-folder.js';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  PRE_COMMIT,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';
import { assertBuilt } from '../helpers/run-cli.js';

const repo = useTempRepos();

beforeAll(() => {
  assertBuilt();
});

interface Report {
  findings: { path: string; ruleId: string }[];
  suppressed: { count: number; byKind: Record<string, number> };
  staleBaseline: { path: string }[];
}

const json = (stdout: string) => JSON.parse(stdout) as Report;
const paths = (stdout: string) => json(stdout).findings.map((f) => f.path);

/** A repository with a key in `sub/x.env` and one in `other/y.env`, committed. */
function twoFolders(): TempRepo {
  const r = repo();
  r.write('sub/x.env', credentialsFile(fakeCredentials(901)));
  r.write('other/y.env', credentialsFile(fakeCredentials(902)));
  r.commitAll('two folders');
  return r;
}

function baselinePaths(r: TempRepo): string[] {
  const file = JSON.parse(readFileSync(join(r.dir, '.keyguard-baseline.json'), 'utf8')) as {
    entries: { path: string }[];
  };
  return file.entries.map((e) => e.path);
}

describe('run from a subfolder, every path is repository-relative', () => {
  it('tree: a named file, the current folder, a sibling, all named from the top', () => {
    const r = twoFolders();
    const sub = join(r.dir, 'sub');
    expect(paths(r.keyguard(['tree', 'x.env', '-f', 'json'], sub).stdout)).toEqual(['sub/x.env']);
    expect(paths(r.keyguard(['tree', '-f', 'json'], sub).stdout)).toEqual(['sub/x.env']);
    expect(paths(r.keyguard(['tree', '.', '-f', 'json'], sub).stdout)).toEqual(['sub/x.env']);
    expect(paths(r.keyguard(['tree', '../other/y.env', '-f', 'json'], sub).stdout)).toEqual([
      'other/y.env',
    ]);
  });

  it('tree: the root config is found and its path globs match', () => {
    const r = twoFolders();
    r.write(
      '.keyguard.json',
      JSON.stringify({ allowlist: { paths: [{ glob: 'sub/**', reason: 'fixtures' }] } }),
    );
    const sub = join(r.dir, 'sub');
    const res = r.keyguard(['tree', 'x.env', '-f', 'json'], sub);
    expect(res.code, res.stderr).toBe(0);
    expect(json(res.stdout).suppressed.byKind).toEqual({ allowlist: 1 });
  });

  it('baseline in a subfolder merges into the root baseline and keeps the other folders', () => {
    const r = twoFolders();
    expect(r.keyguard(['baseline']).code).toBe(0);
    expect(baselinePaths(r)).toEqual(['other/y.env', 'sub/x.env']);
    const sub = join(r.dir, 'sub');
    const again = r.keyguard(['baseline'], sub);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('(0 added, 0 removed');
    expect(baselinePaths(r)).toEqual(['other/y.env', 'sub/x.env']);
    // A new key in sub/ is added; other/ is untouched.
    r.write('sub/z.env', credentialsFile(fakeCredentials(903)));
    expect(r.keyguard(['baseline', 'z.env'], sub).stderr).toContain('(1 added, 0 removed');
    expect(baselinePaths(r)).toEqual(['other/y.env', 'sub/x.env', 'sub/z.env']);
    // Removing the key in sub/ and re-running there drops only that entry.
    writeFileSync(join(sub, 'z.env'), 'nothing\n');
    expect(r.keyguard(['baseline'], sub).stderr).toContain('(0 added, 1 removed');
    expect(baselinePaths(r)).toEqual(['other/y.env', 'sub/x.env']);
  });

  it('tree in a subfolder judges only its own baseline entries stale', () => {
    const r = twoFolders();
    expect(r.keyguard(['baseline']).code).toBe(0);
    writeFileSync(join(r.dir, 'other', 'y.env'), 'rotated\n');
    const sub = join(r.dir, 'sub');
    const here = r.keyguard(['tree', '-f', 'json'], sub);
    expect(here.code, here.stderr).toBe(0);
    expect(json(here.stdout).staleBaseline).toEqual([]);
    expect(here.stderr).not.toMatch(/stale|matches nothing/);
    const there = r.keyguard(['tree', '../other', '-f', 'json'], sub);
    expect(json(there.stdout).staleBaseline.map((e) => e.path)).toEqual(['other/y.env']);
    expect(r.keyguard(['tree', '--fail-on-stale'], sub).code).toBe(0);
    expect(r.keyguard(['tree', '--fail-on-stale']).code).toBe(1);
  });

  it('stdin --path is named from the top, and the root baseline applies', () => {
    const r = twoFolders();
    const sub = join(r.dir, 'sub');
    const text = readFileSync(join(sub, 'x.env'), 'utf8');
    const run = (args: string[]) =>
      spawnSync('node', [CLI, 'stdin', ...args, '-f', 'json'], {
        cwd: sub,
        env: r.env,
        input: text,
        encoding: 'utf8',
      });
    expect(paths(run(['--path', 'x.env']).stdout)).toEqual(['sub/x.env']);
    expect(paths(run(['--path', join(sub, 'x.env')]).stdout)).toEqual(['sub/x.env']);
    expect(paths(run([]).stdout)).toEqual(['<stdin>']);
    expect(r.keyguard(['baseline']).code).toBe(0);
    const accepted = run(['--path', 'x.env']);
    expect(accepted.status).toBe(0);
    expect(json(accepted.stdout).suppressed.byKind).toEqual({ baseline: 1 });
  });

  it('staged and the pre-commit prefilter, run by hand in a subfolder, name files from the top', () => {
    const r = twoFolders();
    const sub = join(r.dir, 'sub');
    r.write('sub/new.env', credentialsFile(fakeCredentials(904)));
    r.git('add', 'sub/new.env');
    expect(paths(r.keyguard(['staged', '-f', 'json'], sub).stdout)).toEqual(['sub/new.env']);
    const hook = spawnSync(PRE_COMMIT, [], { cwd: sub, env: r.env, encoding: 'utf8' });
    expect(hook.status).toBe(1);
    expect(hook.stdout).toContain('sub/new.env:2:');
    // The root baseline applies to a staged scan from a subfolder too.
    expect(r.keyguard(['baseline']).code).toBe(0);
    expect(r.keyguard(['staged'], sub).code).toBe(0);
  });

  it('history: pathspecs typed in a subfolder mean what git means there', () => {
    const r = twoFolders();
    const sub = join(r.dir, 'sub');
    const all = r.keyguard(['history', '-f', 'json'], sub);
    expect(paths(all.stdout).sort()).toEqual(['other/y.env', 'sub/x.env']);
    expect(paths(r.keyguard(['history', '-f', 'json', '--', 'x.env'], sub).stdout)).toEqual([
      'sub/x.env',
    ]);
    expect(paths(r.keyguard(['history', '-f', 'json', '--', '.'], sub).stdout)).toEqual([
      'sub/x.env',
    ]);
    expect(paths(r.keyguard(['history', '-f', 'json', '--', '../other'], sub).stdout)).toEqual([
      'other/y.env',
    ]);
    expect(paths(r.keyguard(['history', '-f', 'json', '--', ':/other'], sub).stdout)).toEqual([
      'other/y.env',
    ]);
    const outside = r.keyguard(['history', '--', '../../x'], sub);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/outside the repository/);
  });
});

describe('pathspecsFromFolder', () => {
  it('selects exactly what git selects in the subfolder', () => {
    const r = repo();
    // A folder whose name holds wildcard characters must still be matched literally.
    for (const f of [
      'a*b/x.env',
      'a*b/deep/y.env',
      'a*b/z.txt',
      'aXb/x.env',
      'plain/x.env',
      'plain/deep/y.env',
      'plain/z.txt',
      'top.env',
      'other/o.env',
    ])
      r.write(f, 'x\n');
    r.commitAll('files');
    const specs = [
      'x.env',
      '*.env',
      '.',
      'deep',
      '../other',
      '..',
      ':/top.env',
      ':(top)other',
      ':(glob)**/*.env',
      ':(literal)x.env',
      ':!z.txt',
      ':(exclude)deep',
      ':(icase)X.ENV',
    ];
    const list = (cwd: string, spec: string[]) =>
      spawnSync('git', ['ls-files', '--full-name', '--', ...spec], {
        cwd,
        env: r.env,
        encoding: 'utf8',
      }).stdout;
    for (const name of ['plain', 'a*b']) {
      const folder = join(r.dir, name);
      mkdirSync(folder, { recursive: true });
      for (const spec of specs) {
        // Exclusions need a positive pathspec beside them, as in git.
        const typed = spec.startsWith(':!') || spec.includes('exclude') ? ['.', spec] : [spec];
        const expected = list(folder, typed);
        expect(expected, spec).not.toBe('');
        const got = list(r.dir, pathspecsFromFolder(`${name}/`, typed));
        expect(got, `${name}: ${spec}`).toBe(expected);
      }
    }
    expect(pathspecsFromFolder('', ['x', ':!y'])).toEqual(['x', ':!y']);
    expect(() => pathspecsFromFolder('a/', ['../../x'])).toThrow(/outside the repository/);
  });
});
