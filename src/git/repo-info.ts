import { statSync } from 'node:fs';
import { KeyguardError } from '../model/errors.js';
import { gitErrorLine } from './git-error-line.js';
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
  const parsed = r.code === 0 ? parseRevParse(r.stdout.toString('utf8')) : undefined;
  if (parsed === undefined) {
    const why = gitErrorLine(r.stderr);
    throw new KeyguardError('NOT_A_REPO', `${cwd} is not inside a git work tree (${why})`);
  }
  return parsed;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `<top>\n<git dir>\n<true|false>\n`. A folder name may itself hold a newline (git prints paths
 * raw), so the two paths are split at the newline where both halves are existing folders.
 */
function parseRevParse(out: string): RepoInfo | undefined {
  const m = /\n(true|false)\n?$/.exec(out);
  if (m === null) return undefined;
  const paths = out.slice(0, m.index);
  let at = paths.indexOf('\n');
  const first = at;
  while (at !== -1) {
    const top = paths.slice(0, at);
    const gitDir = paths.slice(at + 1);
    if (first === paths.lastIndexOf('\n') || (isDir(top) && isDir(gitDir)))
      return { top, gitDir, shallow: m[1] === 'true' };
    at = paths.indexOf('\n', at + 1);
  }
  return undefined;
}
