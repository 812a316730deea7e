import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { indexEntryCount } from '../../src/git/index-entry-count.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

function withFiles(n: number): TempRepo {
  repo = createRepo();
  for (let i = 0; i < n; i++) repo.write(`d${i % 3}/f${i}.txt`, `${i}\n`);
  repo.git('add', '-A');
  return repo;
}

describe('indexEntryCount: how many files the index lists, from its header', () => {
  it('says what git ls-files says, for a repository at its top', () => {
    const r = withFiles(37);
    expect(r.git('ls-files').trim().split('\n')).toHaveLength(37);
    expect(indexEntryCount(r.dir, {})).toBe(37);
  });

  it('does not guess when the index is elsewhere or not plainly git’s', () => {
    const r = withFiles(5);
    expect(indexEntryCount(r.dir, { GIT_INDEX_FILE: join(r.dir, 'other') })).toBeUndefined();
    expect(indexEntryCount(r.dir, { GIT_DIR: join(r.dir, '.git') })).toBeUndefined();
    expect(indexEntryCount(join(r.dir, 'd0'), {})).toBeUndefined();
    writeFileSync(join(r.dir, '.git', 'index'), 'not an index at all');
    expect(indexEntryCount(r.dir, {})).toBeUndefined();
  });

  it('never waits on a FIFO planted as the index (the folder may be anyone’s)', () => {
    const r = withFiles(1);
    rmSync(join(r.dir, '.git', 'index'));
    execFileSync('mkfifo', [join(r.dir, '.git', 'index')]);
    expect(indexEntryCount(r.dir, {})).toBeUndefined();
  });

  it('does not follow a .git that is a file (a worktree or submodule link)', () => {
    const r = withFiles(2);
    const other = join(r.dir, 'elsewhere');
    execFileSync('mv', [join(r.dir, '.git'), other]);
    writeFileSync(join(r.dir, '.git'), `gitdir: ${other}\n`);
    expect(indexEntryCount(r.dir, {})).toBeUndefined();
  });
});
