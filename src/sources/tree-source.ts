import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { listTreeFiles, type UntrackedListing } from '../git/list-tree-files.js';
import { KeyguardError } from '../model/errors.js';
import type { Skipped } from '../model/outcome.js';
import { pathText } from '../model/path-text.js';
import type {
  FileTarget,
  PackedFiles,
  ScanSink,
  Source,
  TargetList,
  TargetSet,
} from '../model/source.js';
import { ContentReader, type ReaderOptions } from './content-reader.js';
import { allTargets, joinBytes, targetCount, targetsIn } from './target-set.js';
import { walkFolder } from './walk-folder.js';

export interface TreeSourceOptions {
  /** Files or folders to scan, as the user gave them. */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** The repository's top folder, when inside one: every path is reported relative to it. */
  readonly root?: string;
  readonly read: Omit<ReaderOptions, 'source'>;
  /** Git's untracked listing of a folder among `paths`, already started (see startUntracked). */
  readonly untracked?: UntrackedListing;
  /** A folder outside git skips what its `.gitignore` files exclude (see walkFolder). */
  readonly gitignore?: boolean;
  /** Every folder is walked as outside git, a repository's too (`--no-ignore`). */
  readonly noIgnore?: boolean;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function inside(rel: string): boolean {
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** Display paths: repository-relative inside git, else relative to where the user stands (or the folder). */
function displayFor(abs: string, cwd: string, folder: string, root: string | undefined): string {
  if (root !== undefined) {
    const fromRoot = relative(root, abs);
    if (inside(fromRoot)) return toPosix(fromRoot);
  }
  const fromCwd = relative(cwd, abs);
  if (inside(fromCwd)) return toPosix(fromCwd);
  return toPosix(relative(folder, abs)) || toPosix(abs);
}

function folderPrefix(abs: string, cwd: string, root: string | undefined): string {
  if (root !== undefined) {
    const fromRoot = relative(root, abs);
    if (fromRoot === '' || inside(fromRoot)) return toPosix(fromRoot);
  }
  const fromCwd = relative(cwd, abs);
  return fromCwd === '' || inside(fromCwd) ? toPosix(fromCwd) : '';
}

function prefixBytes(prefix: string, rel: Buffer): Buffer {
  return prefix === '' ? rel : Buffer.concat([Buffer.from(`${prefix}/`), rel]);
}

interface Listing {
  files: FileTarget[];
  packs: PackedFiles[];
  skipped: Skipped[];
  later: Promise<PackedFiles>[];
}

async function targetsOf(path: string, options: TreeSourceOptions, into: Listing): Promise<void> {
  const { cwd, root } = options;
  const abs = resolve(cwd, path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyguardError(
      'IO',
      `${path}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`}`,
      { cause: error },
    );
  }
  if (!isDir) {
    into.files.push({ abs, path: displayFor(abs, cwd, cwd, root), explicit: true });
    return;
  }
  const git = options.noIgnore === true ? undefined : await listTreeFiles(abs, options.untracked);
  if (git !== undefined) {
    // Repository-relative names, opened under the top folder: packed as git gave them.
    into.packs.push({ ...git.files, base: git.root });
    into.later.push(git.untracked.then((files) => ({ ...files, base: git.root })));
    return;
  }
  // Outside git (or a folder git ignores, named on the command line): every file, unless the user
  // asked for .gitignore files to apply. Paths relative to the repository or the current
  // folder when the folder is inside them, else relative to the folder.
  const walked = walkFolder(abs, {
    gitignore: options.gitignore === true && options.noIgnore !== true,
  });
  const base = folderPrefix(abs, cwd, root);
  for (const f of walked.files) {
    into.files.push({
      abs: joinBytes(abs, f.bytes),
      ...pathText(prefixBytes(base, f.bytes)),
      ...(f.kind === 'file' ? {} : { kind: f.kind }),
    });
  }
  for (const u of walked.unreadable) {
    const text = pathText(prefixBytes(base, u.bytes));
    into.skipped.push({
      ...text,
      path: text.path === '' ? '.' : text.path,
      reason: 'unreadable',
      detail: `folder cannot be listed (${u.code})`,
    });
  }
}

/**
 * Every file under the given paths, each once: what is listed now, and git's untracked files
 * later. One path lists each file once already (git's tracked and untracked files are apart);
 * several may overlap, and are unpacked to drop repeats.
 */
async function listTargets(options: TreeSourceOptions): Promise<TargetList> {
  const paths = options.paths.length === 0 ? ['.'] : options.paths;
  const into: Listing = { files: [], packs: [], skipped: [], later: [] };
  for (const path of paths) await targetsOf(path, options, into);
  const listed: TargetSet = { files: into.files, packs: into.packs };
  const laterSet = (packs: PackedFiles[]): TargetSet => ({ files: [], packs });
  if (paths.length === 1) {
    if (into.later.length === 0) return { targets: listed, skipped: into.skipped };
    const later = Promise.all(into.later).then((packs) => ({
      targets: laterSet(packs),
      skipped: [],
    }));
    return { targets: listed, skipped: into.skipped, later };
  }
  const keyOf = (t: FileTarget) =>
    typeof t.abs === 'string' ? t.abs : `\0${t.abs.toString('base64')}`;
  // A file named on the command line is read as named, whatever the order of the paths: a FIFO
  // in `tree . pipe` is a special file the user asked for (exit 2), not a walked entry to list.
  const named = new Set(into.files.filter((t) => t.explicit === true).map(keyOf));
  const seen = new Set<string>();
  const fresh = (t: FileTarget): boolean => {
    const key = keyOf(t);
    if (seen.has(key) || (t.explicit !== true && named.has(key))) return false;
    seen.add(key);
    return true;
  };
  const now = { files: allTargets(listed).filter(fresh), packs: [] };
  if (into.later.length === 0) return { targets: now, skipped: into.skipped };
  const later = Promise.all(into.later).then((packs) => ({
    targets: { files: allTargets(laterSet(packs)).filter(fresh), packs: [] },
    skipped: [],
  }));
  return { targets: now, skipped: into.skipped, later };
}

/** Files taken at a time from a listing: a few objects alive at once, not one per listed file. */
const BATCH = 256;

/** The working-tree source: every file git tracks or would track, or every file of a folder. */
export function createTreeSource(options: TreeSourceOptions): Source {
  // Listed once: the app may ask for targets to share among threads, or read them here.
  let listed: Promise<TargetList> | undefined;
  const list = (): Promise<TargetList> => {
    listed ??= listTargets(options);
    return listed;
  };
  return {
    targets: list,
    async read(sink: ScanSink): Promise<void> {
      const reader = new ContentReader({ ...options.read, source: 'tree' });
      let listing: TargetList | undefined = await list();
      while (listing !== undefined) {
        for (const s of listing.skipped) sink.skip(s);
        reader.readTargetNames(listing.targets, sink);
        const count = targetCount(listing.targets);
        for (let at = 0; at < count; at += BATCH) {
          await reader.readFiles(targetsIn(listing.targets, at, at + BATCH), sink);
        }
        listing = await listing.later;
      }
    },
  };
}
