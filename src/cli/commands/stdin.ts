import { findRepoRoot } from '../../git/find-repo-root.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { repoPath } from '../repo-path.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard stdin [options]

Scan standard input, e.g. \`git diff | keyguard stdin\` or \`kubectl get secret -o yaml | keyguard stdin\`.
Input of any size is read as it arrives; archives and compressed input are opened.

      --path <name>         the path to report findings under (default <stdin>); in a repository,
                            named from its top like every report (x.env typed in sub/ is sub/x.env)
${SCAN_OPTIONS_HELP}
`;

export async function runStdin(io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    io.argv,
    { ...SCAN_OPTIONS, path: { type: 'string' } },
    'stdin',
    0,
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const typed = stringOption(values, 'path');
  const repo = await findRepoRoot(io.cwd);
  // Named like every other report and baseline: from the repository's top, wherever you stand.
  const path = typed === undefined ? undefined : repoPath(io.cwd, repo, typed);
  return executeScan(io, values, {
    target: { mode: 'stdin', input: io.stdin, ...(path === undefined ? {} : { path }) },
    root: repo ?? io.cwd,
  });
}
