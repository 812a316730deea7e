import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { listTreeFiles } from '../git/list-tree-files.js';
import { KeyguardError } from '../model/errors.js';
import type { FileTarget, Source, SourceItem } from '../model/source.js';
import { type ReadOptions, readFileItem } from './read-file-item.js';
import { walkFolder } from './walk-folder.js';

export interface TreeSourceOptions {
  /** Files or folders to scan, as the user gave them. */
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly read: Omit<ReadOptions, 'source'>;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Display paths: repository-relative inside git, else relative to where the user stands (or the folder). */
function displayFor(abs: string, cwd: string, folder: string): string {
  const fromCwd = relative(cwd, abs);
  if (!fromCwd.startsWith('..') && !isAbsolute(fromCwd)) return toPosix(fromCwd);
  return toPosix(relative(folder, abs));
}

async function targetsOf(path: string, cwd: string): Promise<FileTarget[]> {
  const abs = resolve(cwd, path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyguardError(
      'IO',
      `${path}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code})`}`,
      {
        cause: error,
      },
    );
  }
  if (!isDir) return [{ abs, path: displayFor(abs, cwd, cwd) }];
  const git = await listTreeFiles(abs);
  if (git !== undefined) return git.files.map((f) => ({ abs: join(git.root, f), path: f }));
  const files = await walkFolder(abs);
  return files.map((f) => {
    const fileAbs = join(abs, f);
    return { abs: fileAbs, path: displayFor(fileAbs, cwd, abs) };
  });
}

/** Every file under the given paths, each once. */
async function listTargets(options: TreeSourceOptions): Promise<FileTarget[]> {
  const seen = new Set<string>();
  const targets: FileTarget[] = [];
  for (const path of options.paths.length === 0 ? ['.'] : options.paths) {
    for (const target of await targetsOf(path, options.cwd)) {
      if (seen.has(target.abs)) continue;
      seen.add(target.abs);
      targets.push(target);
    }
  }
  return targets;
}

/** The working-tree source: every file git tracks or would track, or a .gitignore-aware walk. */
export function createTreeSource(options: TreeSourceOptions): Source {
  // Listed once: the app may ask for targets, then fall back to items.
  let listed: Promise<FileTarget[]> | undefined;
  const list = (): Promise<FileTarget[]> => {
    listed ??= listTargets(options);
    return listed;
  };
  return {
    targets: list,
    async *items(): AsyncIterable<SourceItem> {
      for (const target of await list()) {
        const item = readFileItem(target.abs, target.path, { ...options.read, source: 'tree' });
        if (item !== undefined) yield item;
      }
    },
  };
}
