import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRange } from '../../src/action/resolve-range.js';
import { tagReader } from '../../src/action/tag-contents.js';
import { gitHistory } from '../../src/git/fetch-history.js';
import { isKeyguardError } from '../../src/model/errors.js';
import { createSandbox, type Sandbox } from '../helpers/action-repos.js';

const sandboxes: Sandbox[] = [];
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.cleanup();
});

/** main with `before` commits, then a feature branch of `commits` commits. */
function repo(before: number, commits: number) {
  const s = createSandbox();
  sandboxes.push(s);
  let base = '';
  for (let i = 0; i < before; i++) base = s.commit({ [`m${i}.md`]: `${i}\n` }, `m${i}`);
  s.git(s.author, 'push', '--quiet', 'origin', 'main');
  s.git(s.author, 'checkout', '--quiet', '-b', 'feature');
  let head = '';
  for (let i = 0; i < commits; i++) head = s.commit({ [`f${i}.md`]: `${i}\n` }, `f${i}`);
  s.git(s.author, 'push', '--quiet', 'origin', 'feature');
  return { s, base, head };
}

describe('resolveRange (real git, shallow checkouts)', () => {
  it('deepens step by step, then unshallows, until base and head connect', async () => {
    const { s, base, head } = repo(3, 6);
    const ws = s.checkout('ws', 'feature', 1);
    const target = await resolveRange(
      { kind: 'range', base, head, baseMayBeGone: false },
      gitHistory(ws),
      { deepenSteps: [2] },
    );
    expect(target).toMatchObject({
      kind: 'history',
      revisions: ['--end-of-options', `${base}..${head}`],
      commits: 6,
    });
    const notes = target.kind === 'history' ? target.notes : [];
    expect(notes).toContain('shallow clone: deepened by 2');
    expect(notes).toContain('shallow clone: fetched the complete history');
  });

  it('does not fetch anything from a complete checkout', async () => {
    const { s, base, head } = repo(2, 2);
    const ws = s.checkout('ws', 'feature', 0);
    s.git(ws, 'fetch', '--quiet', 'origin', 'main');
    const target = await resolveRange(
      { kind: 'range', base, head, baseMayBeGone: false },
      gitHistory(ws),
    );
    expect(target).toMatchObject({ kind: 'history', commits: 2, notes: [] });
  });

  it('reports base == head as zero commits, in words', async () => {
    const { s, head } = repo(1, 1);
    const ws = s.checkout('ws', 'feature', 1);
    const target = await resolveRange(
      { kind: 'range', base: head, head, baseMayBeGone: false },
      gitHistory(ws),
    );
    expect(target).toMatchObject({ kind: 'history', commits: 0, revisions: [] });
    expect(target.kind === 'history' ? target.description : '').toContain('same commit');
  });

  it('fails closed (GIT_FAILED, naming fetch-depth: 0) when head cannot be had', async () => {
    const { s, base } = repo(1, 1);
    const ws = s.checkout('ws', 'feature', 1);
    const missing = 'c'.repeat(40);
    let message = '';
    try {
      await resolveRange(
        { kind: 'range', base, head: missing, baseMayBeGone: false },
        gitHistory(ws),
      );
    } catch (e) {
      if (!isKeyguardError(e)) throw e;
      expect(e.code).toBe('GIT_FAILED');
      message = e.message;
    }
    expect(message).toContain('head commit cccccccccccc is not in the checkout');
    expect(message).toContain('fetch-depth: 0');
  });

  it('new branch (shallow checkout): only the commits the default branch lacks', async () => {
    const { s, head } = repo(4, 3);
    const ws = s.checkout('ws', 'feature', 1);
    const target = await resolveRange(
      { kind: 'branch', head, branch: 'feature', defaultBranch: 'main' },
      gitHistory(ws),
    );
    expect(target).toMatchObject({ kind: 'history', commits: 3 });
    expect(target.kind === 'history' ? target.notes : []).toContain(
      'fetched the default branch main',
    );
  });

  it('never lets a revision or refspec be read as a git option (--end-of-options)', async () => {
    const { s, base, head } = repo(1, 1);
    const ws = s.checkout('ws', 'feature', 1);
    const marker = join(s.root, 'pwned');
    const git = gitHistory(ws);
    const fetched = await git.fetch('origin', [`--upload-pack=touch ${marker}; git-upload-pack`]);
    expect(fetched.ok).toBe(false);
    expect(await git.hasCommit('--all')).toBe(false);
    expect(await git.mergeBase('--all', head)).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
    // Ordinary revisions still work after it.
    expect(await git.hasCommit(head)).toBe(true);
    expect((await git.fetch('origin', [base])).ok).toBe(true);
  });

  it('new branch: every revision comes after --end-of-options, compared with the default branch', async () => {
    const { s, head } = repo(2, 2);
    const ws = s.checkout('ws', 'feature', 0);
    const target = await resolveRange(
      { kind: 'branch', head, branch: 'feature', defaultBranch: 'main' },
      gitHistory(ws),
    );
    expect(target).toMatchObject({
      kind: 'history',
      commits: 2,
      revisions: ['--end-of-options', `refs/remotes/origin/main..${head}`],
      description: 'branch feature: commits not on main',
      configBase: 'refs/remotes/origin/main',
    });
  });

  it('new branch: a branch created by the same push vouches for nothing', async () => {
    const { s, head } = repo(2, 3);
    // `git push origin feature:feature-backup` too: the full checkout holds both branches.
    s.git(s.author, 'push', '--quiet', 'origin', 'feature:feature-backup');
    const ws = s.checkout('ws', 'feature', 0);
    for (const branch of ['feature', 'feature-backup']) {
      const target = await resolveRange(
        { kind: 'branch', head, branch, defaultBranch: 'main' },
        gitHistory(ws),
      );
      expect(target, branch).toMatchObject({ kind: 'history', commits: 3 });
    }
  });

  it('new branch: its whole history when it is the default branch, or there is no default branch to compare with', async () => {
    const { s, head } = repo(2, 3);
    const ws = s.checkout('ws', 'feature', 0);
    const cases = [
      { defaultBranch: 'feature', why: 'it is the default branch' },
      { defaultBranch: undefined, why: 'the default branch is not known' },
      { defaultBranch: 'trunk', why: 'no trunk on origin to compare with' },
    ];
    for (const { defaultBranch, why } of cases) {
      const target = await resolveRange(
        { kind: 'branch', head, branch: 'feature', ...(defaultBranch ? { defaultBranch } : {}) },
        gitHistory(ws),
      );
      expect(target, why).toMatchObject({
        kind: 'history',
        commits: 5,
        revisions: ['--end-of-options', head],
        description: `branch feature: its whole history (${why})`,
      });
      // No default branch's tip to take the configuration from.
      expect(target.kind === 'history' ? target.configBase : 'none', why).toBeUndefined();
    }
  });

  it('new branch: a default branch name that is not plain never reaches git', async () => {
    const { s, head } = repo(1, 1);
    const ws = s.checkout('ws', 'feature', 1);
    const marker = join(s.root, 'pwned');
    const names = [
      `--upload-pack=touch ${marker}; git-upload-pack`,
      '-main',
      'main..feature',
      'ma*',
      'main:refs/remotes/origin/feature',
      'main^',
      'main@{1}',
      '',
    ];
    for (const defaultBranch of names) {
      let code = '';
      try {
        await resolveRange(
          { kind: 'branch', head, branch: 'feature', defaultBranch },
          gitHistory(ws),
        );
      } catch (e) {
        if (!isKeyguardError(e)) throw e;
        code = e.code;
      }
      expect(code, defaultBranch).toBe('USAGE');
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe('resolveRange: a pushed tag', () => {
  async function failure(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      if (isKeyguardError(e)) return e.message;
      throw e;
    }
    return 'no error';
  }

  it('is refused, not read as commits only, when the run cannot read tags', async () => {
    const { s, head } = repo(1, 1);
    const ws = s.checkout('ws', 'feature', 0);
    expect(await failure(resolveRange({ kind: 'branch', head, tag: 'v1' }, gitHistory(ws)))).toBe(
      'tag v1: this run cannot read tag objects',
    );
  });

  it('a hostile name reaching the reader directly never reaches git', async () => {
    const { s, head } = repo(1, 1);
    const ws = s.checkout('ws', 'feature', 0);
    const git = gitHistory(ws);
    const readTag = tagReader(ws, git, 'origin');
    expect(
      await failure(
        resolveRange({ kind: 'branch', head, tag: '--upload-pack=touch PWNED' }, git, { readTag }),
      ),
    ).toBe('the tag named by the event is not a valid tag name');
    expect(existsSync(join(ws, 'PWNED'))).toBe(false);
  });
});
