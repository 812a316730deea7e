import { KeyguardError } from '../model/errors.js';
import { runGit } from './run-git.js';

/** A blob in a tree, with its path there (UTF-8; git's bytes when the name is not). */
export interface TreeBlob {
  readonly path: string;
  readonly mode: string;
  readonly blob: string;
}

/**
 * Every blob of a tree, recursively (`git ls-tree -r -z`): what a ref that points straight at a
 * tree brings in. Submodule entries (commits of another repository) are not blobs and are left out.
 */
export async function treeBlobs(cwd: string, tree: string): Promise<TreeBlob[]> {
  const r = await runGit(['ls-tree', '-r', '-z', '--full-tree', '--end-of-options', tree], cwd);
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n')[0] ?? '';
    throw new KeyguardError('GIT_FAILED', `cannot list tree ${tree}: ${why}`);
  }
  const out: TreeBlob[] = [];
  for (const entry of r.stdout.toString('utf8').split('\0')) {
    if (entry === '') continue;
    const tab = entry.indexOf('\t');
    const [mode = '', type = '', blob = ''] = entry.slice(0, tab).split(' ');
    if (type === 'blob') out.push({ path: entry.slice(tab + 1), mode, blob });
  }
  return out;
}
