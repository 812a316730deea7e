import { readRepoInfo } from '../../git/repo-info.js';
import { KeyguardError } from '../../model/errors.js';
import type { CommandIo } from '../command-io.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { type HookName, installHook, readHookLayout, uninstallHook } from '../pre-commit-hook.js';
import { installPushHook, uninstallPushHook } from '../pre-push-hook.js';

const HELP = `Usage: keyguard install [--hook pre-commit|pre-push] [--uninstall]

Add a keyguard gate to the repository's hooks.

  --hook pre-commit (default): keyguard-pre-commit, a shell prefilter that answers clean commits in
  milliseconds and runs 'keyguard staged' on anything else.
    With husky (a .husky/ folder): appends 'keyguard-pre-commit' to .husky/pre-commit.
    Without husky: writes (or appends a marked block to) pre-commit in the hooks folder git uses,
    .git/hooks or core.hooksPath.
  --hook pre-push: 'keyguard pre-push', which scans exactly the commits a push sends. A marked block
    placed first in .husky/pre-push (husky) or in pre-push in the hooks folder git uses; the rest of
    an existing hook still gets git's input.

Either hook runs ./node_modules/.bin, else PATH, and blocks when keyguard is missing (a missing
scanner must not mean an open gate). package.json and its prepare script are never touched.
Running it twice changes nothing. Check the result with 'keyguard doctor'.

      --hook <name>         pre-commit (default) or pre-push
      --uninstall           remove what install added
  -h, --help                this help
`;

function hookName(value: string | undefined): HookName {
  if (value === undefined || value === 'pre-commit') return 'pre-commit';
  if (value === 'pre-push') return 'pre-push';
  throw new KeyguardError('USAGE', `option '--hook' takes pre-commit or pre-push, not '${value}'`);
}

export async function runInstall(io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    io.argv,
    {
      uninstall: { type: 'boolean' },
      hook: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'install',
    0,
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const hook = hookName(stringOption(values, 'hook'));
  const info = await readRepoInfo(io.cwd);
  const layout = await readHookLayout(info.top, hook);
  const uninstall = values.uninstall === true;
  const push = hook === 'pre-push';
  const result = push
    ? uninstall
      ? uninstallPushHook(layout)
      : installPushHook(layout)
    : uninstall
      ? uninstallHook(layout)
      : installHook(layout);
  const gate = push ? 'the keyguard pre-push gate' : 'keyguard-pre-commit';
  const what = uninstall ? 'removed keyguard from' : `added ${gate} to`;
  io.stdout.write(
    result.changed ? `keyguard: ${what} ${result.file}\n` : `keyguard: ${result.file} unchanged\n`,
  );
  for (const note of result.notes) io.stdout.write(`  ${note}\n`);
  return 0;
}
