import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import ignore, { type Ignore } from 'ignore';
import type { FileKind } from '../model/source.js';

/** A path under the walked folder, as the exact bytes the file system gave, with its kind. */
export interface WalkedFile {
  readonly bytes: Buffer;
  readonly kind: FileKind;
}

export interface WalkResult {
  readonly files: readonly WalkedFile[];
  /** Folders that could not be listed: their content was not scanned. */
  readonly unreadable: readonly { readonly bytes: Buffer; readonly code: string }[];
}

const SLASH = Buffer.from('/');
const GITIGNORE = Buffer.from('.gitignore');

interface Rules {
  /** The folder the rules belong to, relative to the root ('' for the root). */
  readonly dir: string;
  readonly rules: Ignore;
}

function kindOf(entry: Dirent<Buffer>, abs: Buffer): FileKind | 'dir' {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice())
    return 'special';
  // Some file systems do not say: ask.
  const s = lstatSync(abs);
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  return s.isSymbolicLink() ? 'symlink' : 'special';
}

const NO_WAIT = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A .gitignore's text, when it is (still) a regular file that can be read. */
function readIgnoreFile(path: Buffer): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, NO_WAIT);
  } catch {
    return undefined;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The verdict of the deepest .gitignore with an opinion (as git: a nested file can re-include). */
function ignoredBy(chain: readonly Rules[], rel: string, isDir: boolean): boolean {
  for (let i = chain.length - 1; i >= 0; i--) {
    const r = chain[i] as Rules;
    const local = r.dir === '' ? rel : rel.slice(r.dir.length + 1);
    const verdict = r.rules.test(isDir ? `${local}/` : local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/**
 * Files under a folder that is not a git work tree: all of them, or with `gitignore` those that
 * no `.gitignore` on the way excludes (an excluded folder hides everything below it, as in git).
 * Outside git a `.gitignore` protects nothing: the folder may be a stranger's tarball whose `*`
 * would hide every file, or a build context that ships the `.env` git never sees. So it applies
 * only when the user asks (ripgrep likewise honours it only inside a repository). A `.git` below
 * the folder is read like anything else: a file of that name, a folder of that name that is no
 * repository, and a nested repository's own folder (its config, its packs) are all files here.
 * Names are kept as bytes, so a name that is not valid UTF-8 is scanned like any other; kinds come
 * from the directory entries, so no file needs a stat. Links are listed, never followed; a folder
 * that cannot be listed is reported.
 */
export function walkFolder(root: string, options: { readonly gitignore: boolean }): WalkResult {
  const files: WalkedFile[] = [];
  const unreadable: { bytes: Buffer; code: string }[] = [];
  const rootBytes = Buffer.from(root);
  const visit = (rel: Buffer, chain: readonly Rules[]): void => {
    const abs = rel.length === 0 ? rootBytes : Buffer.concat([rootBytes, SLASH, rel]);
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      unreadable.push({ bytes: rel, code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
      return;
    }
    let rules = chain;
    const listed = options.gitignore ? entries.find((e) => e.name.equals(GITIGNORE)) : undefined;
    if (listed !== undefined && kindOf(listed, Buffer.concat([abs, SLASH, GITIGNORE])) === 'file') {
      // A .gitignore that is a link, a FIFO or a device is not read, as git does not: one that
      // never ends would stall the walk. An unreadable one ignores nothing (scanning more is safe).
      const text = readIgnoreFile(Buffer.concat([abs, SLASH, GITIGNORE]));
      if (text !== undefined)
        rules = [...chain, { dir: rel.toString('utf8'), rules: ignore().add(text) }];
    }
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      const path = rel.length === 0 ? entry.name : Buffer.concat([rel, SLASH, entry.name]);
      const kind = kindOf(entry, Buffer.concat([abs, SLASH, entry.name]));
      const text = path.toString('utf8');
      if (rules.length > 0 && ignoredBy(rules, text, kind === 'dir')) continue;
      if (kind === 'dir') visit(path, rules);
      else files.push({ bytes: path, kind });
    }
  };
  visit(Buffer.alloc(0), []);
  return { files, unreadable };
}
