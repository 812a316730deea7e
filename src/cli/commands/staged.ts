import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRepoInfo } from '../../git/repo-info.js';
import { readStagedChanges } from '../../git/staged-changes.js';
import type { CommandIo } from '../command-io.js';
import { scanAndReport } from '../execute-scan.js';
import { parseOptions } from '../parse-options.js';
import { quietUnlessFailed } from '../quiet-unless-failed.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard staged [options]

The pre-commit gate: scan exactly what the next commit will contain: the staged blobs of the index
(GIT_INDEX_FILE is honoured, so \`git commit -a\` and \`git commit <paths>\` are covered), never
edits made in the working tree since. Only findings on added or changed lines are reported, but a new secret
is paired with a key ID anywhere in the same staged file. Deletions add nothing; submodules are
listed with --verbose. A symlink's text (its blob) is read; what it points to never is. Binary
files and every encoding are read like any other.

Install it as a hook with 'keyguard install'; check the hook with 'keyguard doctor'.

${SCAN_OPTIONS_HELP}
  -q, --quiet               print nothing when the commit may go ahead (exit 0); everything, and
                            what to do next, when it is blocked. The hook (keyguard-pre-commit)
                            runs with it.
`;

const STAGED_OPTIONS = { ...SCAN_OPTIONS, quiet: { type: 'boolean', short: 'q' } } as const;

/** The last word of a blocked commit: how to fix it, and how to mark a false positive. */
const BLOCKED = `keyguard: commit blocked: the staged changes hold credentials (above).
  fix: take the key out of the file, then 'git add' it again (a key that was ever pushed or
       shared must be rotated: deactivate it in IAM first)
  not a secret? 'keyguard audit' marks it (allowlist or baseline, with a reason), or add
       'keyguard:allow' in a comment on its line; bypass once: git commit --no-verify
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
  const { values } = parseOptions(io.argv, STAGED_OPTIONS, 'staged', 0);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const scanStaged = async (out: CommandIo): Promise<number> => {
    const [top, changes] = await Promise.all([topLevel(out), readStagedChanges(out.cwd)]);
    const verdict = await scanAndReport(out, values, {
      target: { mode: 'staged', cwd: out.cwd, top, changes },
      root: top,
    });
    if (values.quiet === true && verdict.reason === 'findings') out.stderr.write(BLOCKED);
    return verdict.exitCode;
  };
  return values.quiet === true ? quietUnlessFailed(io, scanStaged) : scanStaged(io);
}
