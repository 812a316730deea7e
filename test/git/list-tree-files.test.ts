import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setGitEnvironment } from '../../src/git/git-command.js';
import { listTreeFiles, startUntracked } from '../../src/git/list-tree-files.js';
import type { FileTarget } from '../../src/model/source.js';
import { allTargets } from '../../src/sources/target-set.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  setGitEnvironment(process.env);
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
    r.conflict('both.txt');
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
    // Each listed file knows the folder its name is under (see FileTarget.root).
    expect(at['a.txt']).toEqual({ abs: join(r.dir, 'a.txt'), path: 'a.txt', root: r.dir });
    expect(at.link?.kind).toBe('symlink');
    expect(at.sub?.kind).toBe('gitlink');
    const others = allTargets({ files: [], packs: [{ ...(await listed.untracked), base: r.dir }] });
    expect(byPath(others)).toEqual({
      'new.txt': { abs: join(r.dir, 'new.txt'), path: 'new.txt', root: r.dir },
      'nested/repo': {
        abs: join(r.dir, 'nested/repo'),
        path: 'nested/repo',
        kind: 'gitlink',
        root: r.dir,
      },
    });
  });

  it('reads the index file itself at a plain repository’s top, as git would list it', async () => {
    repo = createRepo();
    const r = repo;
    for (let i = 0; i < 50; i++) r.write(`d${i % 4}/f${i}.txt`, `${i}\n`);
    symlinkSync('d0', join(r.dir, 'link'));
    r.commitAll('files');
    r.git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},sub`);
    const expected = r.git('ls-files').trim().split('\n').sort();
    // Git is out of reach: the tracked names can only have come from the file.
    setGitEnvironment({ ...r.env, PATH: join(r.dir, 'no-such-folder') });
    const listed = await listTreeFiles(r.dir);
    if (listed === undefined) throw new Error('not listed as a work tree');
    listed.untracked.catch(() => undefined);
    const tracked = allTargets({ files: [], packs: [{ ...listed.files, base: r.dir }] });
    expect(tracked.map((t) => t.path).sort()).toEqual(expected);
    expect(byPath(tracked).link?.kind).toBe('symlink');
    expect(byPath(tracked).sub?.kind).toBe('gitlink');
  });

  it('takes an untracked listing started early only for the folder it lists', async () => {
    repo = createRepo();
    const r = repo;
    r.write('kept.txt', 'k\n');
    r.commitAll('one');
    r.write('top.txt', 't\n');
    r.write('sub/inner.txt', 'i\n');
    setGitEnvironment(r.env);
    const untrackedOf = async (dir: string, early?: ReturnType<typeof startUntracked>) => {
      const listed = await listTreeFiles(dir, early);
      if (listed === undefined) throw new Error('not listed as a work tree');
      const packs = [{ ...(await listed.untracked), base: r.dir }];
      return allTargets({ files: [], packs }).map((t) => t.path);
    };
    // The same names as a listing started by listTreeFiles itself.
    expect(await untrackedOf(r.dir, startUntracked(r.dir))).toEqual(['sub/inner.txt', 'top.txt']);
    expect(await untrackedOf(r.dir)).toEqual(['sub/inner.txt', 'top.txt']);
    // Started for the top, asked for a subfolder: the subfolder's own listing, not the top's.
    const sub = join(r.dir, 'sub');
    expect(await untrackedOf(sub, startUntracked(r.dir))).toEqual(['sub/inner.txt']);
  });

  it('a new repository without an index lists no tracked file, and its files as untracked', async () => {
    repo = createRepo();
    const r = repo;
    r.write('README.md', 'hello\n');
    expect(existsSync(join(r.dir, '.git', 'index'))).toBe(false);
    setGitEnvironment(r.env);
    const listed = await listTreeFiles(r.dir);
    if (listed === undefined) throw new Error('not listed as a work tree');
    expect(listed.files.starts).toHaveLength(0);
    const others = allTargets({ files: [], packs: [{ ...(await listed.untracked), base: r.dir }] });
    expect(others.map((t) => t.path)).toEqual(['README.md']);
  });

  it('a FIFO planted as the index ends the listing at once, before any git waits on it', async () => {
    repo = createRepo();
    const r = repo;
    r.write('a.txt', 'a\n');
    execFileSync('mkfifo', [join(r.dir, '.git', 'index')]);
    setGitEnvironment({ ...r.env, PATH: join(r.dir, 'no-such-folder') });
    await expect(listTreeFiles(r.dir)).rejects.toThrow(/index is not a regular file/);
  });

  it('asks git when a variable names another index; a damaged index git refuses fails the listing', async () => {
    repo = createRepo();
    const r = repo;
    r.write('a.txt', 'a\n');
    r.write('b.txt', 'b\n');
    r.commitAll('two');
    // Another index that lists only a.txt.
    const other = join(r.dir, '.git', 'other-index');
    r.git('read-tree', `--index-output=${other}`, 'HEAD');
    r.git('update-index', '--force-remove', 'b.txt');
    writeFileSync(other, readFileSync(join(r.dir, '.git', 'index')));
    r.git('reset', '-q');
    setGitEnvironment({ ...r.env, GIT_INDEX_FILE: other });
    const moved = await listTreeFiles(r.dir);
    if (moved === undefined) throw new Error('not listed as a work tree');
    moved.untracked.catch(() => undefined);
    const names = allTargets({ files: [], packs: [{ ...moved.files, base: r.dir }] });
    expect(names.map((t) => t.path)).toEqual(['a.txt']);

    repo.cleanup();
    repo = createRepo();
    const d = repo;
    d.write('a.txt', 'a\n');
    d.commitAll('one');
    const index = readFileSync(join(d.dir, '.git', 'index'));
    // A wrong checksum: git reads the index without checking it, and so does this reader.
    index[index.length - 1] = (index[index.length - 1] as number) ^ 0xff;
    writeFileSync(join(d.dir, '.git', 'index'), index);
    setGitEnvironment(d.env);
    const unchecked = await listTreeFiles(d.dir);
    unchecked?.untracked.catch(() => undefined);
    expect(unchecked?.files.starts).toHaveLength(1);
    // A wrong signature: git refuses the index, and so does the listing.
    index.write('XIRC', 0, 'latin1');
    writeFileSync(join(d.dir, '.git', 'index'), index);
    await expect(listTreeFiles(d.dir)).rejects.toThrow(/git ls-files .*signature/);
  });
});
