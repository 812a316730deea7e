import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { baselineScope } from '../../filters/baseline-scope.js';
import { findRepoRoot } from '../../git/find-repo-root.js';
import { createTreeSource } from '../../sources/tree-source.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { parseOptions } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard tree [paths...] [options]

Scan a working tree or any folder (default: the current folder). In a git repository the files
git tracks or would track are scanned (.gitignore honoured); elsewhere every file not excluded by
a .gitignore. Binary and oversized files are skipped and counted; symlinks are not followed.

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

export async function runTree(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, SCAN_OPTIONS, 'tree');
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const root = await configRoot(io, positionals[0]);
  return executeScan(io, values, {
    mode: 'tree',
    root,
    covers: baselineScope(
      positionals.map((p) => relative(root, resolve(io.cwd, p)).split(sep).join('/')),
    ),
    source: ({ maxFileSize, mayMatch }) =>
      createTreeSource({
        paths: positionals,
        cwd: io.cwd,
        read: { maxFileSize, ...(mayMatch === undefined ? {} : { mayMatch }) },
      }),
  });
}
