import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/**
 * A configuration, baseline or rule-pack file's text, or undefined when the path names something
 * other than a regular file. The path may come from a folder someone else wrote (a config naming
 * a pack, a committed link), so it must not be able to stall the scan: it is opened without
 * waiting (a FIFO would block the open) and read only when it is a regular file, never a FIFO, a
 * socket or an endless device such as /dev/zero. Links are followed: a linked config is normal.
 * Other failures (missing, no permission) throw as `readFileSync` does.
 */
export function readRegularFile(file: string): string | undefined {
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : undefined;
  } finally {
    closeSync(fd);
  }
}
