import { isAbsolute, resolve } from 'node:path';
import { runGitChecked } from './run-git.js';

/**
 * The folder every worktree of a repository shares (`.git` of the main worktree, or a bare
 * repository itself): what keyguard remembers about a repository lives there, not in one
 * worktree's private folder.
 */
export async function gitCommonDir(cwd: string): Promise<string> {
  const out = (await runGitChecked(['rev-parse', '--git-common-dir'], cwd)).toString('utf8');
  const dir = out.replace(/\n$/, '');
  // Older git prints it relative to the folder it ran in.
  return isAbsolute(dir) ? dir : resolve(cwd, dir);
}
