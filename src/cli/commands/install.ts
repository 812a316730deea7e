import { readRepoInfo } from '../../git/repo-info.js';
import { KeyguardError } from '../../model/errors.js';
import type { CommandIo } from '../command-io.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { type HookName, installHook, readHookLayout, uninstallHook } from '../pre-commit-hook.js';
import { installPushHook, uninstallPushHook } from '../pre-push-hook.js';
import { installReceiveHook, RECEIVE_HOOK } from '../receive-hook.js';

const HELP = `Usage: keyguard install [--hook pre-commit|pre-push|pre-receive] [--uninstall]

Add a keyguard gate to the repository's hooks.

  --hook pre-commit (default): keyguard-pre-commit, a shell prefilter that answers clean commits in
  milliseconds and runs 'keyguard staged' on anything else.
    With husky (a .husky/ folder): appends 'keyguard-pre-commit' to .husky/pre-commit.
    Without husky: writes (or appends a marked block to) pre-commit in the hooks folder git uses,
    .git/hooks or core.hooksPath.
  --hook pre-push: 'keyguard pre-push', which scans exactly the commits a push sends. A marked block
    placed first in .husky/pre-push (husky) or in pre-push in the hooks folder git uses; the rest of
    an existing hook still gets git's input.
  --hook pre-receive: the server-side gate, in a bare repository: writes hooks/pre-receive (in
    the hooks folder git uses), which runs 'keyguard pre-receive' and rejects the push when
    keyguard fails in any way. --print writes the script to standard output instead (for a
    GitLab server hook: custom_hooks/pre-receive.d/).

Either hook runs ./node_modules/.bin, else PATH, and blocks when keyguard is missing (a missing
scanner must not mean an open gate). package.json and its prepare script are never touched.
Running it twice changes nothing. Check the result with 'keyguard doctor'.

      --hook <name>         pre-commit (default), pre-push or pre-receive
      --uninstall           remove what install added
      --print               pre-receive: print the hook script, change nothing
  -h, --help                this help
`;

function hookName(value: string | undefined): HookName | 'pre-receive' {
  if (value === undefined || value === 'pre-commit') return 'pre-commit';
  if (value === 'pre-push' || value === 'pre-receive') return value;
  throw new KeyguardError(
    'USAGE',
    `option '--hook' takes pre-commit, pre-push or pre-receive, not '${value}'`,
  );
}

export async function runInstall(io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    io.argv,
    {
      uninstall: { type: 'boolean' },
      hook: { type: 'string' },
      print: { type: 'boolean' },
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
  if (hook === 'pre-receive') {
    if (values.print === true) {
      io.stdout.write(RECEIVE_HOOK);
      return 0;
    }
    if (values.uninstall === true) {
      throw new KeyguardError('USAGE', 'remove hooks/pre-receive yourself: it is the whole hook');
    }
    const r = await installReceiveHook(io.cwd);
    io.stdout.write(r.changed ? `keyguard: wrote ${r.file}\n` : `keyguard: ${r.file} unchanged\n`);
    io.stdout.write(
      "  it runs 'keyguard pre-receive': keyguard must be on the PATH git's hooks get\n",
    );
    return 0;
  }
  if (values.print === true)
    throw new KeyguardError('USAGE', "'--print' is for --hook pre-receive");
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
