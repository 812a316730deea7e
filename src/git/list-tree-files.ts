import { KeyguardError } from '../model/errors.js';
import type { FileKind } from '../model/source.js';
import { runGit, runGitChecked } from './run-git.js';

/** A path git lists, as the exact bytes it gave (names need not be UTF-8), with its kind. */
export interface ListedFile {
  readonly bytes: Buffer;
  readonly kind: FileKind;
}

export interface GitFileList {
  /** Repository top level, absolute. */
  readonly root: string;
  /** Tracked files, and untracked ones not ignored, under the folder; repository-relative. */
  readonly files: readonly ListedFile[];
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
 * excludes applied by git itself), or undefined when `dir` is not inside a work tree. The tracked
 * and untracked listings run side by side; kinds come from the index, so no file needs a stat.
 */
export async function listTreeFiles(dir: string): Promise<GitFileList | undefined> {
  const top = await runGit(['rev-parse', '--show-toplevel', '--show-prefix'], dir);
  if (top.code !== 0) {
    if (/not a git repository/i.test(top.stderr)) return undefined;
    // A repository git refuses to read (ownership, corruption) must not silently become a folder walk.
    throw new KeyguardError(
      'GIT_FAILED',
      `git cannot read the repository at ${dir}: ${top.stderr.trim().split('\n')[0] ?? ''}`,
    );
  }
  const [root = '', prefix = ''] = top.stdout.toString('utf8').split('\n');
  // Inside .git itself, or a bare repository: no work tree to list.
  if (root === '') return undefined;
  if (prefix !== '') {
    // A folder the user named but git ignores (build/, .cache/) would list nothing: scanning it as
    // a plain folder beats a vacuous pass.
    const ignoredDir = await runGit(['check-ignore', '-q', '--no-index', '.'], dir);
    if (ignoredDir.code === 0) return undefined;
  }
  const [tracked, others] = await Promise.all([
    runGitChecked(['ls-files', '-z', '-s', '--cached', '--full-name'], dir),
    runGitChecked(['ls-files', '-z', '--others', '--exclude-standard', '--full-name'], dir),
  ]);
  return { root, files: [...parseStagedListing(tracked), ...parseOthersListing(others)] };
}
