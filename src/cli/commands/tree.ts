import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { baselineScope } from '../../filters/baseline-scope.js';
import { findRepoRoot } from '../../git/find-repo-root.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { parseOptions } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard tree [paths...] [options]

Scan a working tree or any folder (default: the current folder). In a git repository the files
git tracks or would track are scanned (.gitignore honoured); elsewhere every file not excluded by
a .gitignore. Every byte is read: binary files, any encoding (UTF-8, UTF-16 with or without a
byte-order mark), files of any size. Symlinks are not followed (their targets are scanned where
they live). A file that cannot be read makes the scan incomplete (exit 2) and is listed.

${SCAN_OPTIONS_HELP}
`;

export async function configRoot(io: CommandIo, first: string | undefined): Promise<string> {
  const target = resolve(io.cwd, first ?? '.');
  let dir = target;
  try {
    if (!statSync(target).isDirectory()) dir = dirname(target);
  } catch {
    // The source reports the missing path with its own message.
    return io.cwd;
  }
  return (await findRepoRoot(dir)) ?? dir;
}

/**
 * The repository paths a scan of `paths` covers, for stale baseline entries and for what
 * `keyguard baseline` may rewrite. No paths means the current folder, not the whole repository:
 * run in `sub/`, entries for other folders are neither stale nor dropped.
 */
export function coveredBy(io: CommandIo, root: string, paths: readonly string[]) {
  const named = paths.length === 0 ? ['.'] : paths;
  return baselineScope(named.map((p) => relative(root, resolve(io.cwd, p)).split(sep).join('/')));
}

export async function runTree(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, SCAN_OPTIONS, 'tree');
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const root = await configRoot(io, positionals[0]);
  return executeScan(io, values, {
    target: { mode: 'tree', cwd: io.cwd, paths: positionals },
    root,
    covers: coveredBy(io, root, positionals),
  });
}
