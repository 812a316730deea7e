import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { KeyguardError } from '../model/errors.js';
import type { NameList } from '../model/source.js';
import { parseIndex } from './parse-index.js';

/** Never a link, and never waited on: `.git/index` may be a FIFO in a folder someone else made. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const NO_NAMES: NameList = {
  bytes: new Uint8Array(0),
  starts: new Int32Array(0),
  ends: new Int32Array(0),
  kinds: new Uint8Array(0),
  utf8: true,
};
/** Larger indexes (millions of files) are left to git. */
const MAX_INDEX_BYTES = 1 << 30;

/**
 * What `git ls-files --cached` would list from the index in `gitDir`, read without starting git
 * (on a large tree, the process and its output cost more than reading the file: ~0.1 s of a
 * whole scan); nothing when there is no index yet; undefined when the index changed while read,
 * or for anything parseIndex leaves to git. An index that is not a regular file is an error: git
 * would wait on a FIFO for ever, or refuse anything else. The caller decides that
 * `gitDir` is plainly the repository git would use, with no variable naming another index.
 */
export function readIndexNames(gitDir: string): NameList | undefined {
  let fd: number | undefined;
  try {
    try {
      fd = openSync(join(gitDir, 'index'), OPEN_FLAGS);
    } catch (error) {
      // No index yet (a new repository): git lists nothing tracked, and so does this.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return NO_NAMES;
      return undefined;
    }
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new KeyguardError(
        'GIT_FAILED',
        `${join(gitDir, 'index')} is not a regular file: git cannot read it as an index`,
      );
    }
    const size = stat.size;
    if (size > MAX_INDEX_BYTES) return undefined;
    // Shared memory: the names stay in it (see parseIndex), and a worker receives them uncopied.
    const data = Buffer.from(new SharedArrayBuffer(Math.max(1, size)), 0, size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, data, filled, size - filled, null);
      if (n === 0) return undefined;
      filled += n;
    }
    // Longer than it was: git is writing a new one (by rename, so this is a stale inode); ask git.
    if (readSync(fd, Buffer.allocUnsafe(1), 0, 1, null) !== 0) return undefined;
    return parseIndex(data);
  } catch (error) {
    if (error instanceof KeyguardError) throw error;
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
