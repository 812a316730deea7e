import type { FileKind } from '../model/source.js';
import { workTreeOf } from './find-repo-root.js';
import { runGit, runGitChecked } from './run-git.js';

/** A path git lists, as the exact bytes it gave (names need not be UTF-8), with its kind. */
export interface ListedFile {
  readonly bytes: Buffer;
  readonly kind: FileKind;
}

export interface GitFileList {
  /** Repository top level, absolute. */
  readonly root: string;
  /** Tracked files under the folder, repository-relative. */
  readonly files: readonly ListedFile[];
  /** Untracked files git would track (not ignored), when their listing ends. */
  readonly untracked: Promise<readonly ListedFile[]>;
}

const TAB = 0x09;

/** Index modes → kinds: 120000 a symlink, 160000 a submodule's commit, anything else a file. */
function kindOfMode(mode: string): FileKind {
  if (mode === '120000') return 'symlink';
  if (mode === '160000') return 'gitlink';
  return 'file';
}

/** `git ls-files -s -z`: `<mode> <id> <stage>\t<path>\0`, each path once (conflicts list stages). */
export function parseStagedListing(out: Buffer): ListedFile[] {
  const files: ListedFile[] = [];
  let last: Buffer | undefined;
  let at = 0;
  while (at < out.length) {
    let end = out.indexOf(0, at);
    if (end === -1) end = out.length;
    const tab = out.indexOf(TAB, at);
    if (tab !== -1 && tab < end) {
      const bytes = out.subarray(tab + 1, end);
      // Unmerged paths come once per stage, one after another.
      if (last === undefined || !last.equals(bytes)) {
        files.push({ bytes, kind: kindOfMode(out.toString('latin1', at, at + 6)) });
        last = bytes;
      }
    }
    at = end + 1;
  }
  return files;
}

/** `git ls-files --others -z`: paths; a nested repository shows as its folder (`dir/`). */
export function parseOthersListing(out: Buffer): ListedFile[] {
  const files: ListedFile[] = [];
  let at = 0;
  while (at < out.length) {
    let end = out.indexOf(0, at);
    if (end === -1) end = out.length;
    if (end > at) {
      const nested = out[end - 1] === 0x2f;
      files.push({
        bytes: out.subarray(at, nested ? end - 1 : end),
        kind: nested ? 'gitlink' : 'file',
      });
    }
    at = end + 1;
  }
  return files;
}

/**
 * The files git tracks or would track under `dir` (.gitignore, .git/info/exclude and global
 * excludes applied by git itself), or undefined when `dir` is not inside a work tree. Tracked files
 * come first; the untracked listing (several times slower: git walks the folders) is still running
 * when they arrive, so reading can start at once. Kinds come from the index: no file needs a stat.
 */
export async function listTreeFiles(dir: string): Promise<GitFileList | undefined> {
  const place = await workTreeOf(dir);
  if (place === undefined) return undefined;
  const untracked = runGitChecked(
    ['ls-files', '-z', '--others', '--exclude-standard', '--full-name'],
    dir,
  ).then(parseOthersListing);
  // Not left unhandled while the tracked files are read; the caller awaits it later.
  untracked.catch(() => undefined);
  const ignored =
    place.prefix === ''
      ? undefined
      : runGit(['check-ignore', '-q', '--no-index', '.'], dir).then((r) => r.code === 0);
  const tracked = await runGitChecked(['ls-files', '-z', '-s', '--cached', '--full-name'], dir);
  // A folder the user named but git ignores (build/, .cache/) would list nothing: scanning it as a
  // plain folder beats a vacuous pass.
  if (ignored !== undefined && (await ignored)) return undefined;
  return { root: place.root, files: parseStagedListing(tracked), untracked };
}
