import { type GitResult, runGit } from './run-git.js';

/**
 * Copies the repository at `url` into `dir` (which must not exist yet) for a scan:
 * - `history`: a bare clone of every branch and tag. Not blobless: a history scan reads every
 *   blob of every commit, and fetching them afterwards costs more than the clone (measured).
 * - `tree`: the tip of one branch (`branch`, default the remote's HEAD), depth 1, checked out:
 *   only the blobs the scan reads are fetched.
 * git's answer is returned, not thrown: its stderr may quote the URL, and the caller redacts it.
 */
export function cloneRepo(
  url: string,
  dir: string,
  cwd: string,
  mode: 'history' | 'tree',
  branch?: string,
): Promise<GitResult> {
  const args =
    mode === 'history'
      ? ['clone', '--quiet', '--bare']
      : [
          'clone',
          '--quiet',
          '--depth',
          '1',
          '--no-tags',
          '--single-branch',
          ...(branch === undefined ? [] : [`--branch=${branch}`]),
        ];
  return runGit([...args, '--end-of-options', url, dir], cwd, { use: 'clone' });
}
