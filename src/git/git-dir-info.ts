import { KeyguardError } from '../model/errors.js';
import { gitErrorLine } from './git-error-line.js';
import { runGit } from './run-git.js';

export interface GitDirInfo {
  /** The repository's git directory, absolute (the repository itself when bare). */
  readonly gitDir: string;
  readonly bare: boolean;
  readonly shallow: boolean;
  /** The branch HEAD names (`refs/heads/main`): a server's default branch; undefined when unborn. */
  readonly head?: string;
}

/**
 * Facts about the repository git finds from `cwd`, bare or not: what a server-side hook runs in
 * (git sets GIT_DIR for it, and the environment reaches git untouched: quarantine included).
 */
export async function readGitDirInfo(cwd: string): Promise<GitDirInfo> {
  // An unborn HEAD (an empty repository, or HEAD naming a branch nobody pushed) prints `HEAD`.
  const r = await runGit(
    [
      'rev-parse',
      '--absolute-git-dir',
      '--is-bare-repository',
      '--is-shallow-repository',
      '--symbolic-full-name',
      'HEAD',
    ],
    cwd,
  );
  const [gitDir = '', bare = '', shallow = '', ref = ''] = r.stdout.toString('utf8').split('\n');
  if (r.code !== 0 || gitDir === '') {
    const why = gitErrorLine(r.stderr);
    throw new KeyguardError('NOT_A_REPO', `${cwd} is not inside a git repository (${why})`);
  }
  return {
    gitDir,
    bare: bare.trim() === 'true',
    shallow: shallow.trim() === 'true',
    ...(ref.startsWith('refs/') ? { head: ref.trim() } : {}),
  };
}
