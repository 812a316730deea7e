import { KeyguardError } from '../model/errors.js';
import { runGit, runGitChecked, splitNul } from './run-git.js';

export interface GitFileList {
  /** Repository top level, absolute. */
  readonly root: string;
  /** Tracked and untracked-but-not-ignored files under the folder, repository-relative. */
  readonly files: readonly string[];
}

/**
 * The files git tracks or would track under `dir` (.gitignore, .git/info/exclude and global
 * excludes applied by git itself), or undefined when `dir` is not inside a work tree.
 */
export async function listTreeFiles(dir: string): Promise<GitFileList | undefined> {
  const top = await runGit(['rev-parse', '--show-toplevel'], dir);
  if (top.code !== 0) {
    if (/not a git repository/i.test(top.stderr)) return undefined;
    // A repository git refuses to read (ownership, corruption) must not silently become a folder walk.
    throw new KeyguardError(
      'GIT_FAILED',
      `git cannot read the repository at ${dir}: ${top.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  const root = top.stdout.toString('utf8').trim();
  // Inside .git itself, or a bare repository: no work tree to list.
  if (root === '') return undefined;
  // A folder the user named but git ignores (build/, .cache/) would list nothing: scanning it as a
  // plain folder beats a vacuous pass.
  const ignoredDir = await runGit(['check-ignore', '-q', '--no-index', '.'], dir);
  if (ignoredDir.code === 0) return undefined;
  const listed = await runGitChecked(
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name'],
    dir,
  );
  return { root, files: [...new Set(splitNul(listed))] };
}
