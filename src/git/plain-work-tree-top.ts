import { lstatSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { platform, userInfo } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Variables that move the repository or the work tree, or add configuration that could. */
const MOVED_BY = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_CONFIG_PARAMETERS',
  'GIT_CONFIG_COUNT',
];
/** Larger than any repository config git writes: a big one is read by git, not by this check. */
const CONFIG_LIMIT = 64 * 1024;

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether the repository config could set the work tree elsewhere or make the repository bare:
 * core.worktree (or a per-worktree config file, where it could also be), core.bare other than
 * false, or an include that could hold either.
 */
function mayMoveWorkTree(config: string): boolean {
  if (/worktree/i.test(config) || /^\s*\[\s*include/im.test(config)) return true;
  for (const m of config.matchAll(/^\s*bare\b\s*(?:=\s*([^\s;#]*))?/gim)) {
    if ((m[1] ?? '').toLowerCase() !== 'false') return true;
  }
  return false;
}

/**
 * Whether `dir` is, beyond doubt, the top of its own work tree: the answer `git rev-parse
 * --show-toplevel` would give (with an empty prefix) without starting git. On a small repository
 * that process is a sizeable part of a whole `keyguard tree` run.
 *
 * Only the plainest case qualifies, and anything else goes to git: no variable that moves the
 * repository, the work tree or the configuration; `dir/.git` a real folder (not a link, not a
 * `gitdir:` file) with HEAD, objects and refs (what git checks before it stops looking) and no
 * `commondir`; a config that neither sets core.worktree nor makes the repository bare nor includes
 * other files; `dir` and `.git` both ours (git refuses other owners' repositories: that refusal
 * must come from git); `dir` its own real path (git answers with symbolic links resolved).
 */
export function isPlainWorkTreeTop(dir: string, env: Env): boolean {
  if (platform() === 'win32') return false;
  if (MOVED_BY.some((name) => env[name] !== undefined)) return false;
  const gitDir = join(dir, '.git');
  const top = statOrUndefined(dir, true);
  const git = statOrUndefined(gitDir, false);
  if (top === undefined || git === undefined || !git.isDirectory()) return false;
  if (!statOrUndefined(join(gitDir, 'HEAD'), false)?.isFile()) return false;
  if (!statOrUndefined(join(gitDir, 'objects'), false)?.isDirectory()) return false;
  if (!statOrUndefined(join(gitDir, 'refs'), false)?.isDirectory()) return false;
  if (statOrUndefined(join(gitDir, 'commondir'), false) !== undefined) return false;
  if (statOrUndefined(join(gitDir, 'config.worktree'), false) !== undefined) return false;
  const config = statOrUndefined(join(gitDir, 'config'), false);
  if (config === undefined || !config.isFile() || config.size > CONFIG_LIMIT) return false;
  try {
    const uid = userInfo().uid;
    if (top.uid !== uid || git.uid !== uid) return false;
    if (realpathSync.native(dir) !== dir) return false;
    return !mayMoveWorkTree(readFileSync(join(gitDir, 'config'), 'utf8'));
  } catch {
    // No user entry for this uid, a folder that vanished: git decides.
    return false;
  }
}
