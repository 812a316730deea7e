import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { KeyguardError } from '../model/errors.js';
import { escapeControl } from '../report/escape-control.js';

/**
 * Reading and writing the hook files `keyguard install` edits. A repository can be hostile: a
 * hooks folder that is a symbolic link to somewhere else on the machine, a hook that is a link,
 * a FIFO (reading it would hang) or a file of another user. keyguard writes only regular files of
 * the current user, in folders that really are inside the work tree or the git directory, and
 * replaces a file by renaming a new one over it (a rename never follows a link).
 */

/** `path` shown for a message: no control character can reach the terminal. */
export function shown(path: string): string {
  return escapeControl(path);
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyguardError(
      'IO',
      `cannot read ${shown(path)}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/** The real path of `path`, or of its nearest existing ancestor with the rest appended. */
function realOrNearest(path: string): string {
  const missing: string[] = [];
  let at = path;
  for (;;) {
    try {
      return join(realpathSync(at), ...missing.reverse());
    } catch {
      const up = dirname(at);
      if (up === at) return path;
      missing.push(basename(at));
      at = up;
    }
  }
}

/**
 * Refuses a folder whose real location (links followed) is outside every root given: a hooks
 * folder linked to /etc, or a core.hooksPath shared by every repository of the machine.
 */
export function assertInside(dir: string, roots: readonly string[], why: string): void {
  const real = realOrNearest(dir);
  const realRoots = roots.map(realOrNearest);
  if (realRoots.some((root) => inside(real, root))) return;
  throw new KeyguardError(
    'IO',
    `${shown(dir)} is outside this repository (${shown(real)}): keyguard does not write there; ${why}`,
  );
}

/** Where a hook file may be written: absent, or a regular file of this user. Not a link. */
function checkTarget(file: string, st: Stats | undefined): void {
  if (st === undefined) return;
  const hint = `add the keyguard line to it yourself, or remove it and run 'keyguard install' again`;
  if (st.isSymbolicLink())
    throw new KeyguardError('IO', `${shown(file)} is a symbolic link: not followed; ${hint}`);
  if (!st.isFile())
    throw new KeyguardError('IO', `${shown(file)} is not a regular file: not touched; ${hint}`);
  const uid = userInfo().uid;
  if (uid >= 0 && st.uid !== uid)
    throw new KeyguardError(
      'IO',
      `${shown(file)} belongs to another user (uid ${st.uid}): not touched; ${hint}`,
    );
}

/** The hook's text, or undefined when there is none. Links, FIFOs and folders are refused. */
export function readHookFile(file: string): string | undefined {
  const st = lstatOrUndefined(file);
  if (st === undefined) return undefined;
  checkTarget(file, st);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new KeyguardError(
      'IO',
      `cannot read ${shown(file)}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
}

/**
 * Writes `text` to `file` through a new file renamed over it. `mode` undefined keeps an existing
 * file's mode (a new one gets 0644).
 */
export function writeHookFile(file: string, text: string, mode?: number): void {
  const dir = dirname(file);
  const st = lstatOrUndefined(file);
  checkTarget(file, st);
  const finalMode = mode ?? (st === undefined ? 0o644 : st.mode & 0o777);
  const tmp = join(dir, `.${basename(file)}.keyguard-${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(
      tmp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      0o600,
    );
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, finalMode);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new KeyguardError(
      'IO',
      `cannot write ${shown(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Removes a hook file keyguard wrote (only a regular file of this user). */
export function removeHookFile(file: string): void {
  checkTarget(file, lstatOrUndefined(file));
  rmSync(file, { force: true });
}
