import { findRepoRoot } from '../../git/find-repo-root.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard stdin [options]

Scan standard input, e.g. \`git diff | keyguard stdin\` or \`kubectl get secret -o yaml | keyguard stdin\`.
Input of any size is read as it arrives; archives and compressed input are opened.

      --path <name>         the path to report findings under (default <stdin>)
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
  const path = stringOption(values, 'path');
  return executeScan(io, values, {
    target: { mode: 'stdin', input: io.stdin, ...(path === undefined ? {} : { path }) },
    root: (await findRepoRoot(io.cwd)) ?? io.cwd,
  });
}
