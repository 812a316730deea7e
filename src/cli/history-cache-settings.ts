import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScanOptions } from '../app/scan.js';
import { isOwn, privateDir } from './code-cache.js';
import type { CommandIo } from './command-io.js';

const KEY_BYTES = 32;
const KEY_FILE = 'history-cache.key';

/** The key, read only from a regular file of the user's that nobody else can read or write. */
function readKey(file: string): Buffer | 'missing' | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : undefined;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile() || !isOwn(s) || (s.mode & 0o077) !== 0 || s.size !== KEY_BYTES)
      return undefined;
    const key = Buffer.alloc(KEY_BYTES);
    return readSync(fd, key, 0, KEY_BYTES, 0) === KEY_BYTES ? key : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The history cache's HMAC key, made on first use in keyguard's private folder: a cache file in a
 * repository is trusted only if it was written with it. Undefined (no cache) without such a
 * folder, or when the key file there is not the user's alone.
 */
function cacheKey(env: CommandIo['env']): Buffer | undefined {
  const dir = privateDir(env);
  if (dir === undefined) return undefined;
  const file = join(dir, KEY_FILE);
  const found = readKey(file);
  if (found !== 'missing') return found;
  try {
    writeFileSync(file, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
  } catch {
    // Another run made it meanwhile (read below), or the folder cannot take it (no cache).
  }
  const made = readKey(file);
  return made === 'missing' ? undefined : made;
}

/** keyguard's own code: every built file, so a new build never trusts an older build's verdicts. */
function buildIdentity(io: CommandIo): string {
  const hash = createHash('sha256').update(io.version);
  if (io.workerScript === undefined) return hash.update('\0unbuilt').digest('hex');
  const dist = dirname(io.workerScript);
  for (const dir of [dist, join(dist, 'chunks')]) {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/\.(?:c|m)?js$|\.wasm$/.test(name)) continue;
      try {
        hash.update(`\0${name}\0`).update(readFileSync(join(dir, name)));
      } catch {
        // A folder or an unreadable file: its name is in the hash already.
      }
    }
  }
  return hash.digest('hex');
}

/** What a local `keyguard history` needs for its cache; undefined means no cache this run. */
export function historyCacheSettings(io: CommandIo): ScanOptions['historyCache'] {
  const hmacKey = cacheKey(io.env);
  return hmacKey === undefined ? undefined : { hmacKey, build: buildIdentity(io) };
}
