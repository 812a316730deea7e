import { readRepoInfo } from '../../git/repo-info.js';
import type { CommandIo } from '../command-io.js';
import { parseOptions } from '../parse-options.js';
import { installHook, readHookLayout, uninstallHook } from '../pre-commit-hook.js';

const HELP = `Usage: keyguard install [--uninstall]

Add the pre-commit gate to the repository's pre-commit hook: keyguard-pre-commit, a shell
prefilter that answers clean commits in milliseconds and runs 'keyguard staged' on anything else.

  With husky (a .husky/ folder): appends 'keyguard-pre-commit' to .husky/pre-commit. package.json
  and its prepare script are never touched.
  Without husky: writes (or appends a marked block to) pre-commit in the hooks folder git uses,
  .git/hooks or core.hooksPath. The hook runs ./node_modules/.bin/keyguard-pre-commit, else
  keyguard-pre-commit on PATH, and blocks the commit when neither exists.

Running it twice changes nothing. Check the result with 'keyguard doctor'.

      --uninstall           remove what install added
  -h, --help                this help
`;

export async function runInstall(io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    io.argv,
    { uninstall: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    'install',
    0,
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const info = await readRepoInfo(io.cwd);
  const layout = await readHookLayout(info.top);
  const uninstall = values.uninstall === true;
  const result = uninstall ? uninstallHook(layout) : installHook(layout);
  const what = uninstall ? 'removed keyguard from' : 'added keyguard-pre-commit to';
  io.stdout.write(
    result.changed ? `keyguard: ${what} ${result.file}\n` : `keyguard: ${result.file} unchanged\n`,
  );
  for (const note of result.notes) io.stdout.write(`  ${note}\n`);
  return 0;
}
