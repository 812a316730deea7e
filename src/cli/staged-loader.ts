import { isAscii } from 'node:buffer';
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { enableNodeCompileCache, isOwn, privateCacheDir } from './code-cache.js';
import { SCAN_WORKER_ARG } from './scan-worker-arg.js';

/**
 * `keyguard staged` and `keyguard tree` boot here (dist/staged.cjs) and run the hook bundle
 * (dist/staged-scan.cjs, which serves both) with a code cache: most of the hook's own time is
 * compiling JavaScript that runs once. Node's own compile cache is used where Node has one
 * (>= 22.1); on Node 20 a V8 code cache of our own, written after a run, holds every function that
 * run compiled, so later runs skip compiling them.
 *
 * A code cache is code: V8 checks only that it was made by the same V8 from source of the same
 * length. So the file holds a copy of the source it was made from and is used only for that
 * source, byte for byte; it is only read from, and written to, a folder given by an absolute
 * path that belongs to this user and that nobody else can write, as a regular file (not a link)
 * of that user's that nobody else can write.
 */
const SCRIPT = fileURLToPath(new URL('./staged-scan.cjs', import.meta.url));
/**
 * One cache per command: a cache holds what its first run compiled and is not rewritten while V8
 * accepts it, so a cache made by `staged` would leave `tree` compiling its own part on every run.
 */
const WORKER = process.argv[2] === SCAN_WORKER_ARG;
const PREFIX = process.argv[2] === 'tree' || WORKER ? 'tree-' : 'staged-';
/** Caches kept per Node: a few keyguard versions used in turn (one per project) keep theirs. */
const KEEP = 4;

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

function isPrivateDir(dir: string): boolean {
  const s = statSync(dir);
  return s.isDirectory() && isOwn(s);
}

function save(dir: string, runtime: string, name: string, make: () => Buffer): void {
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

/**
 * A SHA-256 of the hook bundle, written into this loader at build time (scripts/build.mjs): it names
 * the cache file, so builds used in turn keep theirs apart. It proves nothing about the bundle on
 * disk (which may have been changed since), and needs no hashing, nor node:crypto, at start.
 */
declare const KEYGUARD_BUNDLE_SHA256: string;

/** "KGC1", the bundle's length and FINDINGS or 0 (32-bit LE), the bundle, then V8's data. */
const MAGIC = 0x3143474b;
const HEAD = 12;
/**
 * The cache was made by a run that reported findings (exit 1). Most runs find nothing, and a cache
 * holds only what its first run compiled: one made by a clean run left every run with a key
 * compiling the finding, pairing and report code again (callgrind: 3% of such a run).
 */
const FINDINGS = 1;

/**
 * V8 checks only a cache's V8 version, flags and source length: the file keeps a copy of the
 * bundle it was made from, and its data is used only when that copy is the bundle now on disk,
 * byte for byte (a memcmp, far cheaper than loading node:crypto and hashing 600 KB every start).
 */
function cachedDataFor(
  file: Buffer | undefined,
  source: Buffer,
): { data: Buffer; flags: number } | undefined {
  if (file === undefined || file.length <= HEAD + source.length) return undefined;
  if (file.readUInt32LE(0) !== MAGIC || file.readUInt32LE(4) !== source.length) return undefined;
  if (!file.subarray(HEAD, HEAD + source.length).equals(source)) return undefined;
  return { data: file.subarray(HEAD + source.length), flags: file.readUInt32LE(8) };
}

function cacheFileOf(source: Buffer, data: Buffer, flags: number): Buffer {
  const head = Buffer.alloc(HEAD);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(source.length, 4);
  head.writeUInt32LE(flags, 8);
  return Buffer.concat([head, source, data]);
}

/** The cache file for this bundle and this Node, and its V8 data when a usable one was there. */
function openCache(dir: string, source: Buffer) {
  const runtime = `${PREFIX}${process.version}-${process.arch}-`;
  const name = `${runtime}${KEYGUARD_BUNDLE_SHA256.slice(0, 32)}.v8`;
  let cached: { data: Buffer; flags: number } | undefined;
  try {
    cached = cachedDataFor(readCache(dir, name), source);
  } catch {
    // No cache yet, or none to trust: compile from source.
  }
  return { dir, runtime, name, cached };
}

export function runStagedScan(): void {
  // Where Node has a compile cache of its own (>= 22.1), it does this job: entries are checked
  // against their source, and it needs no loader.
  if (enableNodeCompileCache(process.env)) {
    createRequire(SCRIPT)(SCRIPT);
    return;
  }
  const bytes = readFileSync(SCRIPT);
  // The build keeps the bundle ASCII, where latin1 is the same text and a plain copy to make.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const dir = privateCacheDir(process.env);
  const cache = dir === undefined ? undefined : openCache(dir, bytes);
  const cached = cache?.cached;
  // The CommonJS wrapper, on the first line so positions in stack traces stay right.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: SCRIPT, ...(cached === undefined ? {} : { cachedData: cached.data }) },
  );
  // A tree scan's worker reads the cache its main thread keeps, and never writes it: two threads
  // of one process would write the same temporary file.
  if (!WORKER && cache !== undefined) {
    const fresh = cached === undefined || script.cachedDataRejected === true;
    process.once('exit', (code) => {
      const findings = code === 1 ? FINDINGS : 0;
      if (!fresh && (findings === 0 || (cached?.flags ?? 0) & FINDINGS)) return;
      try {
        save(cache.dir, cache.runtime, cache.name, () =>
          cacheFileOf(bytes, script.createCachedData(), findings),
        );
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
