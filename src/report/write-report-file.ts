import {
  closeSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isKeyguardError, KeyguardError } from '../model/errors.js';
import { nodeCrypto } from '../model/node-crypto.js';
import { describeWriteError } from './describe-write-error.js';
import { escapeControl } from './escape-control.js';

export interface WriteReportOptions {
  /** How the user named the file, for messages: `--output report.json`, `sarif-file out.sarif`. */
  readonly label: string;
  /**
   * A folder the file must stay in (the Action's workspace): a target named inside it whose
   * folder leads outside it through a symbolic link is refused. A target named outside it
   * (an absolute path the workflow chose) is the caller's business.
   */
  readonly within?: string;
  /**
   * The target must lie inside `within`: a file a repository's own config names (its baseline).
   * A hostile clone's config could name `../../.bash_profile`, and a baseline holds file names.
   */
  readonly insideOnly?: boolean;
  /** Creates missing parent folders (after the `within` check). */
  readonly makeParents?: boolean;
}

function fail(label: string, why: string, cause?: unknown): KeyguardError {
  return new KeyguardError('IO', `cannot write ${escapeControl(label)}: ${why}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Where a link leads; a dangling one leads nowhere keyguard will write. */
function realTarget(link: string): string {
  try {
    return realpathSync(link);
  } catch {
    return '\0dangling';
  }
}

/**
 * The first folder between `root` and `folder` (inclusive) that is a symbolic link leading out of
 * `root`, or undefined. Folders that do not exist yet are fine: they will be made inside.
 */
function escapingLink(root: string, folder: string): string | undefined {
  const realRoot = realpathSync(root);
  let at = root;
  for (const part of relative(root, folder)
    .split(sep)
    .filter((p) => p !== '')) {
    at = join(at, part);
    const stat = lstatOrUndefined(at);
    if (stat === undefined) return undefined;
    if (stat.isSymbolicLink() && !isInside(realRoot, realTarget(at))) return at;
    if (!stat.isSymbolicLink() && !stat.isDirectory()) return undefined;
  }
  return isInside(realRoot, realpathSync(folder)) ? undefined : folder;
}

/**
 * Writes all of `content` to a new file created exclusively (`wx`: never through an existing name
 * or link). A replaced file's permissions are kept; a new one gets the umask's.
 */
function writeNew(path: string, content: string, keepMode: number | undefined): void {
  const fd = openSync(path, 'wx', 0o666);
  try {
    const data = Buffer.from(content);
    for (let done = 0; done < data.length; ) done += writeSync(fd, data, done);
    if (keepMode !== undefined) fchmodSync(fd, keepMode);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a report (`--output`, the baseline, the Action's SARIF) without ever following a symbolic
 * link: a regular file is replaced by writing a temporary file beside it and renaming it into
 * place (a hard link to it elsewhere keeps the old content); a symbolic link at the target is
 * refused, naming it, and its target is left untouched; a device or pipe the user named
 * (`/dev/null`, a FIFO) is written as it is. Every failure is one KeyguardError line (exit 2):
 * `cannot write --output x: no space left on the device (ENOSPC)`.
 */
export function writeReportFile(
  target: string,
  content: string,
  options: WriteReportOptions,
): void {
  const path = resolve(target);
  const folder = dirname(path);
  const { label } = options;
  try {
    const inside = options.within !== undefined && isInside(resolve(options.within), path);
    if (options.within !== undefined && options.insideOnly === true && !inside)
      throw fail(
        label,
        `it is outside ${escapeControl(options.within)}, and the repository's configuration may only name files inside it (name one with a flag to write elsewhere)`,
      );
    if (options.within !== undefined && inside) {
      const link = escapingLink(resolve(options.within), folder);
      if (link !== undefined)
        throw fail(
          label,
          `its folder ${escapeControl(relative(resolve(options.within), link) || link)} is a symbolic link leading outside ${escapeControl(options.within)}; keyguard does not follow it`,
        );
    }
    if (options.makeParents === true) mkdirSync(folder, { recursive: true });
    const existing = lstatOrUndefined(path);
    if (existing?.isSymbolicLink() === true)
      throw fail(
        label,
        'it is a symbolic link, which keyguard does not follow (remove it, or name the file it points to)',
      );
    if (existing?.isDirectory() === true) throw fail(label, describeWriteError({ code: 'EISDIR' }));
    if (existing !== undefined && !existing.isFile()) {
      // A device or a pipe the user named: there is nothing to replace, only something to feed.
      writeFileSync(path, content);
      return;
    }
    const temp = join(
      folder,
      `.${basename(path)}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      writeNew(temp, content, existing === undefined ? undefined : existing.mode & 0o7777);
      renameSync(temp, path);
    } catch (error) {
      try {
        unlinkSync(temp);
      } catch {
        // Never created, or already renamed: nothing to clean up.
      }
      throw error;
    }
  } catch (error) {
    if (isKeyguardError(error)) throw error;
    throw fail(label, describeWriteError(error), error);
  }
}
