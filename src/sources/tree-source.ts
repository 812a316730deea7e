import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { listTreeFiles } from '../git/list-tree-files.js';
import { KeyguardError } from '../model/errors.js';
import type { Skipped } from '../model/outcome.js';
import { pathText } from '../model/path-text.js';
import type { FileTarget, ScanSink, Source, TargetList } from '../model/source.js';
import { ContentReader, type ReaderOptions } from './content-reader.js';
import { joinBytes, walkFolder } from './walk-folder.js';

export interface TreeSourceOptions {
  /** Files or folders to scan, as the user gave them. */
  readonly paths: readonly string[];
  readonly cwd: string;
  /** The repository's top folder, when inside one: every path is reported relative to it. */
  readonly root?: string;
  readonly read: Omit<ReaderOptions, 'source'>;
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

async function targetsOf(
  path: string,
  options: TreeSourceOptions,
  into: { targets: FileTarget[]; skipped: Skipped[] },
): Promise<void> {
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
    into.targets.push({ abs, path: displayFor(abs, cwd, cwd, root), explicit: true });
    return;
  }
  const git = await listTreeFiles(abs);
  if (git !== undefined) {
    for (const f of git.files) {
      const text = pathText(f.bytes);
      into.targets.push({
        abs: joinBytes(git.root, f.bytes),
        ...text,
        ...(f.kind === 'file' ? {} : { kind: f.kind }),
      });
    }
    return;
  }
  // Outside git (or a folder git ignores): paths relative to the repository or the current
  // folder when the folder is inside them, else relative to the folder.
  const walked = walkFolder(abs);
  const base = folderPrefix(abs, cwd, root);
  for (const f of walked.files) {
    into.targets.push({
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

/** Every file under the given paths, each once. */
async function listTargets(options: TreeSourceOptions): Promise<TargetList> {
  const seen = new Set<string>();
  const into: { targets: FileTarget[]; skipped: Skipped[] } = { targets: [], skipped: [] };
  const all: { targets: FileTarget[]; skipped: Skipped[] } = { targets: [], skipped: [] };
  for (const path of options.paths.length === 0 ? ['.'] : options.paths) {
    into.targets = [];
    into.skipped = [];
    await targetsOf(path, options, into);
    for (const t of into.targets) {
      const key = typeof t.abs === 'string' ? t.abs : `\0${t.abs.toString('base64')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.targets.push(t);
    }
    all.skipped.push(...into.skipped);
  }
  return all;
}

/** The working-tree source: every file git tracks or would track, or a .gitignore-aware walk. */
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
      const { targets, skipped } = await list();
      for (const s of skipped) sink.skip(s);
      const reader = new ContentReader({ ...options.read, source: 'tree' });
      await reader.readFiles(targets, sink);
    },
  };
}
