import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** Never a link, and never waited on: the folder scanned may be anyone's, `.git/index` a FIFO. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
/** The index header: "DIRC", a version, then the number of entries (big-endian 32-bit). */
const HEADER_BYTES = 12;

/**
 * How many files git's index at `dir/.git/index` lists, read from its 12-byte header without
 * starting git; undefined whenever that is not plainly the index git would use (a variable that
 * moves it, `.git` a file or link, no index, another format). A hint for planning only: nothing
 * the scan reads or trusts depends on it, so a hostile index can at most make it plan badly.
 */
export function indexEntryCount(dir: string, env: Env): number | undefined {
  if (env.GIT_DIR !== undefined || env.GIT_INDEX_FILE !== undefined) return undefined;
  let fd: number | undefined;
  try {
    if (!lstatSync(join(dir, '.git')).isDirectory()) return undefined;
    fd = openSync(join(dir, '.git', 'index'), OPEN_FLAGS);
    if (!fstatSync(fd).isFile()) return undefined;
    const header = Buffer.alloc(HEADER_BYTES);
    if (readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) return undefined;
    if (header.toString('latin1', 0, 4) !== 'DIRC') return undefined;
    return header.readUInt32BE(8);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
