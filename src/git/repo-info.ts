import { KeyguardError } from '../model/errors.js';
import { runGit } from './run-git.js';

export interface RepoInfo {
  /** Work tree top level, absolute. */
  readonly top: string;
  /** The repository's git directory, absolute (a worktree's own one inside `.git/worktrees/`). */
  readonly gitDir: string;
  readonly shallow: boolean;
}

/** Work tree facts in one `git rev-parse`; NOT_A_REPO outside a work tree. */
export async function readRepoInfo(cwd: string): Promise<RepoInfo> {
  const r = await runGit(
    ['rev-parse', '--show-toplevel', '--absolute-git-dir', '--is-shallow-repository'],
    cwd,
  );
  const lines = r.stdout.toString('utf8').split('\n');
  if (r.code !== 0 || lines.length < 3) {
    const why =
      r.stderr
        .trim()
        .split('\n')[0]
        ?.replace(/^fatal: /, '') ?? '';
    throw new KeyguardError('NOT_A_REPO', `${cwd} is not inside a git work tree (${why})`);
  }
  const [top = '', gitDir = '', shallow = ''] = lines;
  return { top, gitDir, shallow: shallow.trim() === 'true' };
}
