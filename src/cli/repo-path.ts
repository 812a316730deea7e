import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A path the user typed, as reports and baselines name it: relative to the repository's top
 * whatever folder the user stands in (`x.env` typed in `sub/` is `sub/x.env`). A path outside
 * the repository (or outside git) stays as typed.
 */
export function repoPath(cwd: string, root: string | undefined, typed: string): string {
  if (root === undefined) return typed;
  const rel = relative(root, resolve(cwd, typed));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return typed;
  return rel.split(sep).join('/');
}
