import { readRepoInfo } from '../../git/repo-info.js';
import { KeyguardError } from '../../model/errors.js';
import type { CommandIo } from '../command-io.js';
import { shown } from '../hook-file.js';
import {
  detectManager,
  installInManager,
  type Manager,
  managerApply,
  managerRunsGate,
} from '../hook-managers.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { type HookName, installHook, readHookLayout, uninstallHook } from '../pre-commit-hook.js';
import { installPushHook, uninstallPushHook } from '../pre-push-hook.js';
import { installReceiveHook, RECEIVE_HOOK } from '../receive-hook.js';

const HELP = `Usage: keyguard install [--hook pre-commit|pre-push|pre-receive] [--uninstall]

Add a keyguard gate to the repository's hooks.

The gate always goes FIRST, before the project's own commands (tests, formatters), and replaces
an older keyguard line: running install twice changes nothing. A clean commit or push prints
nothing; a blocked one says what was found, where, and what to do.

  --hook pre-commit (default): keyguard-pre-commit, a shell prefilter that answers clean commits in
  milliseconds and runs 'keyguard staged --quiet' on anything else.
    With husky (a .husky/ folder): the line 'keyguard-pre-commit' first in .husky/pre-commit.
    With lefthook, simple-git-hooks or the pre-commit framework (their config file, or the
    'simple-git-hooks' key of package.json): added to their config when keyguard can do that
    safely (a new top-level key in lefthook.yml, the JSON of simple-git-hooks), else the exact
    lines to add are printed and install exits 1.
    Otherwise: a marked block first in pre-commit in the hooks folder git uses, .git/hooks or
    core.hooksPath (refused when that folder is outside the repository, e.g. a link or a
    hooksPath shared by every repository: the line to add is printed instead).
  --hook pre-push: 'keyguard pre-push', which scans exactly the commits a push sends. A marked block
    placed first in .husky/pre-push (husky) or in pre-push in the hooks folder git uses; the rest of
    an existing hook still gets git's input.

A hook file that is a symbolic link, not a regular file, another user's, or not a shell script is
never written (exit 2, with what to add by hand).
  --hook pre-receive: the server-side gate, in a bare repository: writes hooks/pre-receive (in
    the hooks folder git uses), which runs 'keyguard pre-receive' and rejects the push when
    keyguard fails in any way. --print writes the script to standard output instead (for a
    GitLab server hook: custom_hooks/pre-receive.d/).

Either hook runs ./node_modules/.bin, else PATH, and blocks when keyguard is missing (a missing
scanner must not mean an open gate). package.json's scripts are never touched. Check the result
with 'keyguard doctor'. Exit 0 installed (or already there), 1 printed lines to add by hand, 2 error.

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

/** A hook manager owns .git/hooks: keyguard goes into its config, or the lines to add are printed. */
function viaManager(
  io: CommandIo,
  top: string,
  manager: Manager,
  hook: HookName,
  uninstall: boolean,
): number {
  const where = `${manager.name} (${shown(manager.config)})`;
  if (uninstall) {
    io.stdout.write(
      `keyguard: hooks here are managed by ${where}: take keyguard out of it there\n`,
    );
    return managerRunsGate(top, manager, hook) ? 1 : 0;
  }
  const r = installInManager(top, manager, hook);
  if (r.changed === false) {
    io.stdout.write(`keyguard: ${where} already runs keyguard for ${hook}\n`);
    return 0;
  }
  if (r.changed === true) {
    io.stdout.write(`keyguard: added the keyguard ${hook} gate to ${where}:\n`);
    for (const line of r.lines) io.stdout.write(`  ${line}\n`);
    io.stdout.write(`  then let ${manager.name} write its hooks: ${managerApply(manager)}\n`);
    return 0;
  }
  io.stdout.write(
    `keyguard: hooks here are managed by ${where}; keyguard did not edit it. Add, as its FIRST ${hook} step:\n`,
  );
  for (const line of r.lines) io.stdout.write(`    ${line}\n`);
  io.stdout.write(`  then: ${managerApply(manager)}, and check with 'keyguard doctor'\n`);
  return 1;
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
  const manager = layout.husky ? undefined : detectManager(info.top);
  if (manager !== undefined) return viaManager(io, info.top, manager, hook, uninstall);
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
