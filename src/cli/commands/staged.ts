import { readRepoInfo } from '../../git/repo-info.js';
import { readStagedChanges } from '../../git/staged-changes.js';
import { createStagedSource } from '../../sources/staged-source.js';
import { cleanStagedReport } from '../clean-staged-report.js';
import type { CommandIo } from '../command-io.js';
import { parseOptions } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard staged [options]

The pre-commit gate: scan exactly what the next commit will contain. Staged blobs are read from
the index (GIT_INDEX_FILE is honoured, so \`git commit -a\` and \`git commit <paths>\` are covered),
never from the working tree. Only findings on added or changed lines are reported, but a new secret
is paired with a key ID anywhere in the same staged file. Deletions add nothing; submodules,
symlinks and binary files are skipped and listed with --verbose.

Install it as a hook with 'keyguard install'; check the hook with 'keyguard doctor'.

${SCAN_OPTIONS_HELP}
`;

export async function runStaged(io: CommandIo): Promise<number> {
  const { values } = parseOptions(io.argv, SCAN_OPTIONS, 'staged', 0);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  // Both questions at once: the hook path is start-up bound.
  const [info, changes] = await Promise.allSettled([
    readRepoInfo(io.cwd),
    readStagedChanges(io.cwd),
  ]);
  if (info.status === 'rejected') throw info.reason;
  if (changes.status === 'rejected') throw changes.reason;
  const top = info.value.top;
  const clean = await cleanStagedReport(io, values, top, changes.value);
  if (clean !== undefined) return clean;
  const { executeScan } = await import('../execute-scan.js');
  return executeScan(io, values, {
    mode: 'staged',
    root: top,
    source: ({ maxFileSize, mayMatch }) =>
      createStagedSource({
        cwd: io.cwd,
        maxFileSize,
        changes: changes.value,
        ...(mayMatch === undefined ? {} : { mayMatch }),
      }),
  });
}
