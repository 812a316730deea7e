import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listTreeFiles } from '../../src/git/list-tree-files.js';
import type { FileTarget } from '../../src/model/source.js';
import { allTargets } from '../../src/sources/target-set.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

const byPath = (targets: readonly FileTarget[]) =>
  Object.fromEntries(targets.map((t) => [t.path, t]));

describe('listTreeFiles: packed names from git, one object per file only when taken', () => {
  it('lists tracked files with their kinds, each path once, and untracked files apart', async () => {
    repo = createRepo();
    const r = repo;
    r.write('a.txt', 'a\n');
    r.write('dir/b c.txt', 'b\n');
    symlinkSync('a.txt', join(r.dir, 'link'));
    r.commitAll('one');
    // A conflict: the same path at stages 1, 2 and 3.
    r.write('both.txt', 'base\n');
    r.commitAll('base');
    r.git('checkout', '-q', '-b', 'side');
    r.write('both.txt', 'side\n');
    r.commitAll('side');
    r.git('checkout', '-q', 'main');
    r.write('both.txt', 'main\n');
    r.commitAll('main');
    expect(r.tryGit('merge', '-q', 'side').code).not.toBe(0);
    expect(r.git('ls-files', '-s', 'both.txt').trim().split('\n')).toHaveLength(3);
    // A submodule's commit in the index (mode 160000).
    r.git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},sub`);
    r.write('new.txt', 'n\n');
    r.write('nested/repo/x', 'x\n');
    r.git('-C', 'nested/repo', 'init', '-q');
    const listed = await listTreeFiles(r.dir);
    if (listed === undefined) throw new Error('not listed as a work tree');
    expect(listed.root).toBe(r.dir);
    const tracked = allTargets({ files: [], packs: [{ ...listed.files, base: r.dir }] });
    expect(tracked.map((t) => t.path).sort()).toEqual([
      'a.txt',
      'both.txt',
      'dir/b c.txt',
      'link',
      'sub',
    ]);
    const at = byPath(tracked);
    expect(at['a.txt']).toEqual({ abs: join(r.dir, 'a.txt'), path: 'a.txt' });
    expect(at.link?.kind).toBe('symlink');
    expect(at.sub?.kind).toBe('gitlink');
    const others = allTargets({ files: [], packs: [{ ...(await listed.untracked), base: r.dir }] });
    expect(byPath(others)).toEqual({
      'new.txt': { abs: join(r.dir, 'new.txt'), path: 'new.txt' },
      'nested/repo': { abs: join(r.dir, 'nested/repo'), path: 'nested/repo', kind: 'gitlink' },
    });
  });
});
