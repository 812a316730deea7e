import { mkdirSync, type Stats, statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import process from 'node:process';

/** Ours, and nobody else's to write. */
export function isOwn(s: Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || s.uid === uid) && (s.mode & 0o022) === 0;
}

function isPrivateDir(dir: string): boolean {
  try {
    const s = statSync(dir);
    return s.isDirectory() && isOwn(s);
  } catch {
    return false;
  }
}

/** Makes one folder (never a chain: Node's recursive mkdir spins forever under /proc). */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // Exists already, or cannot be made: the checks after this decide.
  }
}

/**
 * keyguard's code-cache folder, made if need be: `$XDG_CACHE_HOME/keyguard` or
 * `~/.cache/keyguard`, used only under an absolute path (an empty HOME would otherwise point into
 * the repository being committed) and only when it is the user's and nobody else can write to it.
 * Undefined means no cache: no home, an unwritable or odd folder (/proc, /dev/full), Windows
 * (where modes say nothing), or KEYGUARD_CODE_CACHE=0. A cache is an optimisation: never a
 * reason to fail, print or wait.
 */
export function privateCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KEYGUARD_CODE_CACHE === '0') return undefined;
  return privateDir(env);
}

/** keyguard's private folder (see privateCacheDir), whatever KEYGUARD_CODE_CACHE says. */
export function privateDir(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'win32') return undefined;
  let base: string;
  try {
    base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  } catch {
    // No home folder at all (an arbitrary uid in a container).
    return undefined;
  }
  if (!isAbsolute(base)) return undefined;
  // Only the last two levels are ever made: the home (or cache home's parent) must exist.
  if (!isPrivateDir(base)) {
    if (!isPrivateDir(dirname(base))) return undefined;
    makeDir(base);
  }
  const dir = join(base, 'keyguard');
  if (!isPrivateDir(dir)) makeDir(dir);
  return isPrivateDir(dir) ? dir : undefined;
}

/**
 * Node's own compile cache (Node >= 22.1) in keyguard's private folder: true when it is on. Its
 * entries are checked against the source they were compiled from.
 */
export function enableNodeCompileCache(env: NodeJS.ProcessEnv): boolean {
  const enable = (module as unknown as { enableCompileCache?: (dir: string) => { status: number } })
    .enableCompileCache;
  if (enable === undefined) return false;
  const dir = privateCacheDir(env);
  if (dir === undefined) return false;
  try {
    // status 0 is FAILED (module.constants.compileCacheStatus); anything else means it is on.
    return enable(join(dir, 'node-compile-cache')).status !== 0;
  } catch {
    return false;
  }
}
