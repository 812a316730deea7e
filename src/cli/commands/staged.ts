import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRepoInfo } from '../../git/repo-info.js';
import { readStagedChanges } from '../../git/staged-changes.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { parseOptions } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard staged [options]

The pre-commit gate: scan exactly what the next commit will contain: the staged blobs of the index
(GIT_INDEX_FILE is honoured, so \`git commit -a\` and \`git commit <paths>\` are covered), never
edits made in the working tree since. Only findings on added or changed lines are reported, but a new secret
is paired with a key ID anywhere in the same staged file. Deletions add nothing; submodules and
symlinks are listed with --verbose. Binary files and every encoding are read like any other.

Install it as a hook with 'keyguard install'; check the hook with 'keyguard doctor'.

${SCAN_OPTIONS_HELP}
`;

/** A `.git` git itself would take: a folder with HEAD, or a `gitdir:` file (worktrees). */
function hasGitDir(cwd: string): boolean {
  try {
    return statSync(join(cwd, '.git')).isFile() || existsSync(join(cwd, '.git', 'HEAD'));
  } catch {
    return false;
  }
}

/**
 * The work tree top without asking git when the answer is certain: hooks run at the top level, and
 * a folder holding a valid `.git` is where git's own discovery stops (GIT_DIR alone keeps the cwd
 * as the work tree too). Anything else asks git.
 */
async function topLevel(io: CommandIo): Promise<string> {
  if (io.env.GIT_WORK_TREE === undefined && hasGitDir(io.cwd)) return io.cwd;
  return (await readRepoInfo(io.cwd)).top;
}

export async function runStaged(io: CommandIo): Promise<number> {
  const { values } = parseOptions(io.argv, SCAN_OPTIONS, 'staged', 0);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const [top, changes] = await Promise.all([topLevel(io), readStagedChanges(io.cwd)]);
  return executeScan(io, values, {
    target: { mode: 'staged', cwd: io.cwd, top, changes },
    root: top,
  });
}
