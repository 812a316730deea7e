import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/**
 * `keyguard staged` boots here (dist/staged.cjs) and runs the hook bundle (dist/staged-scan.cjs)
 * with a V8 code cache. Most of the hook's own time is compiling JavaScript that runs once: the
 * cache, written after a run, holds every function that run compiled, so later runs skip
 * compiling them (~7 ms of ~40 on Node 20 and 24; Node's own compile cache, where it exists, keeps
 * only what is compiled before the first line runs).
 */
const SCRIPT = fileURLToPath(new URL('./staged-scan.cjs', import.meta.url));
const PREFIX = 'staged-';

function cacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.KEYGUARD_CODE_CACHE === '0') return undefined;
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'win32' ? env.LOCALAPPDATA : join(homedir(), '.cache'));
  return base ? join(base, 'keyguard') : undefined;
}

/** Code loaded from a folder someone else can write is code they chose: use only our own. */
function isPrivate(dir: string): boolean {
  const s = statSync(dir);
  const uid = process.getuid?.();
  return s.isDirectory() && (uid === undefined || s.uid === uid) && (s.mode & 0o022) === 0;
}

function save(dir: string, runtime: string, name: string, data: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isPrivate(dir)) return;
  // One cache per Node: an older bundle's only takes space. Other Nodes keep theirs (a machine
  // with two, used in turn, would otherwise rebuild the cache at every run).
  for (const old of readdirSync(dir)) {
    if (old.startsWith(runtime) && old !== name) rmSync(join(dir, old), { force: true });
  }
  const temp = join(dir, `${name}.${process.pid}.tmp`);
  writeFileSync(temp, data, { mode: 0o600 });
  renameSync(temp, join(dir, name));
}

export function runStagedScan(): void {
  const source = readFileSync(SCRIPT, 'utf8');
  const dir = cacheDir(process.env);
  const { size, mtimeMs } = statSync(SCRIPT);
  // V8 rejects a cache made from other source or by another V8; the name just avoids trying.
  const runtime = `${PREFIX}${process.version}-${process.arch}-`;
  const name = `${runtime}${size}-${Math.trunc(mtimeMs)}.v8`;
  let cached: Buffer | undefined;
  if (dir !== undefined) {
    try {
      if (isPrivate(dir)) cached = readFileSync(join(dir, name));
    } catch {
      // No cache yet, or none allowed: compile from source.
    }
  }
  // The CommonJS wrapper, on the first line so positions in stack traces stay right.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: SCRIPT, ...(cached === undefined ? {} : { cachedData: cached }) },
  );
  if (dir !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      try {
        save(dir, runtime, name, script.createCachedData());
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
