import { KeyguardError } from '../model/errors.js';
import { runGit } from './run-git.js';

/** Files as a commit holds them, read from git's objects: never the work tree, never a link. */
export interface CommitFiles {
  /** The commit's full id. */
  readonly commit: string;
  /**
   * The bytes of the regular file at `path` (repository-relative, `/`-separated) in the commit,
   * or undefined when the commit has nothing there. A symbolic link, a folder or a submodule at
   * that path is a KeyguardError naming it: a link would point back into the work tree.
   */
  read(path: string): Promise<Buffer | undefined>;
}

/**
 * Opens `revision` (a sha, or a ref such as `refs/remotes/origin/main`) for reading files. The
 * revision goes after --end-of-options and paths are looked up by exact name in their folder's
 * tree (no pathspec), so neither can be taken for an option or a pattern. GIT_FAILED when it is
 * not a commit.
 */
export async function commitFiles(cwd: string, revision: string): Promise<CommitFiles> {
  const resolved = await runGit(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`],
    cwd,
  );
  const commit = resolved.stdout.toString('utf8').trim();
  if (resolved.code !== 0 || !/^[0-9a-f]{40,64}$/.test(commit))
    throw new KeyguardError('GIT_FAILED', `cannot read files of ${revision}: not a commit here`);
  const short = commit.slice(0, 12);
  return {
    commit,
    async read(path) {
      // The folder's tree, listed whole: no pathspec, so no magic in the name (`:(glob)`, `*`).
      const slash = path.lastIndexOf('/');
      const folder = slash < 0 ? commit : `${commit}:${path.slice(0, slash)}`;
      const name = path.slice(slash + 1);
      const listed = await runGit(['ls-tree', '-z', '--full-tree', folder], cwd);
      // No such folder in the commit (or a link or file where it should be): nothing there.
      if (listed.code !== 0) return undefined;
      const entry = listed.stdout
        .toString('utf8')
        .split('\0')
        .find((e) => e.slice(e.indexOf('\t') + 1) === name);
      if (entry === undefined) return undefined;
      const tab = entry.indexOf('\t');
      const [mode = '', type = '', id = ''] = entry.slice(0, tab).split(' ');
      if (type !== 'blob' || (mode !== '100644' && mode !== '100755'))
        throw new KeyguardError(
          'GIT_FAILED',
          `${path} in commit ${short} is not a regular file (${mode === '120000' ? 'a symbolic link' : type})`,
        );
      const blob = await runGit(['cat-file', 'blob', id], cwd);
      if (blob.code !== 0)
        throw new KeyguardError('GIT_FAILED', `cannot read ${path} in commit ${short}`);
      return blob.stdout;
    },
  };
}
