import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workTreeOf } from '../../src/git/find-repo-root.js';
import { setGitEnvironment } from '../../src/git/git-command.js';
import { isPlainWorkTreeTop } from '../../src/git/plain-work-tree-top.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

// Every repository a test makes is removed after it (a test may make two).
const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  setGitEnvironment(process.env);
});

function fresh(): TempRepo {
  const repo = createRepo();
  repos.push(repo);
  repo.write('a.txt', 'a\n');
  repo.commitAll('one');
  return repo;
}

/** What git itself answers in `dir`. */
const gitTop = (dir: string, env: Record<string, string>) =>
  execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, env, encoding: 'utf8' }).trim();

describe('isPlainWorkTreeTop: the top of a work tree without starting git, only beyond doubt', () => {
  it('answers for a repository scanned at its top, as git does, with no git to ask', async () => {
    const r = fresh();
    expect(isPlainWorkTreeTop(r.dir, r.env)).toBe(true);
    expect(gitTop(r.dir, r.env)).toBe(r.dir);
    // No git on PATH: the answer cannot have come from a git process.
    setGitEnvironment({ ...r.env, PATH: join(r.dir, 'no-such-folder') });
    await expect(workTreeOf(r.dir)).resolves.toEqual({ root: r.dir, prefix: '', plain: true });
    // A variable naming another index: the top is still plain, its `.git/index` not the one used.
    const other = fresh();
    setGitEnvironment({ ...other.env, GIT_INDEX_FILE: join(other.dir, 'elsewhere') });
    await expect(workTreeOf(other.dir)).resolves.toEqual({ root: other.dir, prefix: '' });
  });

  it('leaves every other case to git: subfolders, moved work trees, bare, includes, links', () => {
    const r = fresh();
    mkdirSync(join(r.dir, 'sub'));
    expect(isPlainWorkTreeTop(join(r.dir, 'sub'), r.env)).toBe(false);
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT'])
      expect(isPlainWorkTreeTop(r.dir, { ...r.env, [name]: '.git' }), name).toBe(false);

    // A config that sets the work tree elsewhere: git's answer is not this folder.
    const elsewhere = join(r.dir, '..', 'elsewhere');
    mkdirSync(elsewhere);
    r.git('config', 'core.worktree', elsewhere);
    expect(isPlainWorkTreeTop(r.dir, r.env)).toBe(false);
    expect(gitTop(r.dir, r.env)).not.toBe(r.dir);
    r.git('config', '--unset', 'core.worktree');
    expect(isPlainWorkTreeTop(r.dir, r.env)).toBe(true);

    for (const [key, value] of [
      ['core.bare', 'true'],
      ['include.path', 'more.cfg'],
      ['extensions.worktreeConfig', 'true'],
    ] as const) {
      r.git('config', key, value);
      expect(isPlainWorkTreeTop(r.dir, r.env), key).toBe(false);
      r.git('config', '--unset', key);
    }
    // A valueless `bare` means true to git.
    writeFileSync(join(r.dir, '.git', 'config'), '[core]\n\tbare\n');
    expect(isPlainWorkTreeTop(r.dir, r.env)).toBe(false);
    writeFileSync(join(r.dir, '.git', 'config'), '[core]\n\tbare = false\n');
    expect(isPlainWorkTreeTop(r.dir, r.env)).toBe(true);

    // Reached through a link: git answers with the real path.
    const link = join(r.dir, '..', 'link');
    symlinkSync(r.dir, link);
    expect(isPlainWorkTreeTop(link, r.env)).toBe(false);
    expect(gitTop(link, r.env)).toBe(r.dir);
  });

  it('leaves to git a .git that is a file, a link, or not a repository', () => {
    const r = fresh();
    const wt = join(r.dir, '..', 'wt');
    r.git('worktree', 'add', '-q', '-b', 'side', wt);
    // A linked work tree: `.git` is a `gitdir:` file.
    expect(isPlainWorkTreeTop(wt, r.env)).toBe(false);

    const moved = join(r.dir, '..', 'real-git');
    renameSync(join(r.dir, '.git'), moved);
    symlinkSync(moved, join(r.dir, '.git'));
    expect(isPlainWorkTreeTop(r.dir, r.env)).toBe(false);

    const fake = join(r.dir, '..', 'fake');
    mkdirSync(join(fake, '.git'), { recursive: true });
    writeFileSync(join(fake, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(fake, '.git', 'config'), '');
    // No objects or refs: git goes on looking above, and so must we.
    expect(isPlainWorkTreeTop(fake, r.env)).toBe(false);
  });
});
