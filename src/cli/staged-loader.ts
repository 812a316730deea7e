import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/**
 * `keyguard staged` boots here (dist/staged.cjs) and runs the hook bundle (dist/staged-scan.cjs)
 * with a V8 code cache. Most of the hook's own time is compiling JavaScript that runs once: the
 * cache, written after a run, holds every function that run compiled, so later runs skip
 * compiling them (~7 ms of ~40 on Node 20 and 24; Node's own compile cache, where it exists, keeps
 * only what is compiled before the first line runs).
 *
 * A code cache is code: V8 checks only that it was made by the same V8 from source of the same
 * length. So the file is named after a hash of the source, and only read from, and written to, a
 * folder given by an absolute path that belongs to this user and that nobody else can write,
 * as a regular file (not a link) of that user's that nobody else can write.
 */
const SCRIPT = fileURLToPath(new URL('./staged-scan.cjs', import.meta.url));
const PREFIX = 'staged-';
/** Caches kept per Node: a few keyguard versions used in turn (one per project) keep theirs. */
const KEEP = 4;

function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  // Windows reports every mode as writable by all: no cheap way to trust a folder there.
  if (env.KEYGUARD_CODE_CACHE === '0' || process.platform === 'win32') return undefined;
  try {
    const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
    // A relative path (an empty HOME, say) would point into the repository being committed.
    return isAbsolute(base) ? join(base, 'keyguard') : undefined;
  } catch {
    // No home folder at all (an arbitrary uid in a container): no cache.
    return undefined;
  }
}

/** Ours, and nobody else's to write. */
function isOwn(s: Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || s.uid === uid) && (s.mode & 0o022) === 0;
}

function isPrivateDir(dir: string): boolean {
  const s = statSync(dir);
  return s.isDirectory() && isOwn(s);
}

/** The cache's bytes, checked on the open file itself (no link followed, no swap in between). */
function readCache(dir: string, name: string): Buffer | undefined {
  if (!isPrivateDir(dir)) return undefined;
  const fd = openSync(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const s = fstatSync(fd);
    return s.isFile() && isOwn(s) ? readFileSync(fd) : undefined;
  } finally {
    closeSync(fd);
  }
}

function save(dir: string, runtime: string, name: string, make: () => Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isPrivateDir(dir)) return;
  const temp = join(dir, `${name}.${process.pid}.tmp`);
  writeFileSync(temp, make(), { mode: 0o600 });
  renameSync(temp, join(dir, name));
  // The newest few per Node stay; older bundles' caches only take space.
  const mine = readdirSync(dir)
    .filter((f) => f.startsWith(runtime) && f.endsWith('.v8'))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of mine.slice(KEEP)) rmSync(join(dir, f), { force: true });
}

/** The cache file for this source and this Node, and whether a usable one was there. */
function openCache(dir: string, source: string) {
  const runtime = `${PREFIX}${process.version}-${process.arch}-`;
  const name = `${runtime}${createHash('sha256').update(source).digest('hex').slice(0, 32)}.v8`;
  let cached: Buffer | undefined;
  try {
    cached = readCache(dir, name);
  } catch {
    // No cache yet, or none to trust: compile from source.
  }
  return { dir, runtime, name, cached };
}

export function runStagedScan(): void {
  const source = readFileSync(SCRIPT, 'utf8');
  const dir = cacheDir(process.env);
  const cache = dir === undefined ? undefined : openCache(dir, source);
  const cached = cache?.cached;
  // The CommonJS wrapper, on the first line so positions in stack traces stay right.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: SCRIPT, ...(cached === undefined ? {} : { cachedData: cached }) },
  );
  if (cache !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      try {
        save(cache.dir, cache.runtime, cache.name, () => script.createCachedData());
      } catch {
        // A cache is an optimisation: never a reason to fail or to print.
      }
    });
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(SCRIPT), module, SCRIPT, dirname(SCRIPT));
}

runStagedScan();
