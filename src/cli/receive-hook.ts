import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveHooksDir } from '../git/hooks-dir.js';
import { KeyguardError } from '../model/errors.js';
import { writeHookFile } from './hook-file.js';
import { readHookText } from './pre-commit-hook.js';

export const RECEIVE_MARK = '# keyguard server-side gate (docs/git-gates.md)';

/**
 * The pre-receive hook for a bare repository (or a GitLab server hook). Fail closed whatever
 * happens: keyguard's own answer (0 accept, 1 findings, 2 error) is shown as it is; anything else
 * (keyguard missing, killed, out of memory) becomes ONE line instead of a crash dump, and the push
 * is rejected. The output is collected first so that the pusher never sees half of it.
 */
export const RECEIVE_HOOK = `#!/bin/sh
${RECEIVE_MARK}
keyguard_out=$(mktemp "\${TMPDIR:-/tmp}/keyguard-pre-receive.XXXXXX") || {
  echo "keyguard: cannot create a temporary file; push rejected" >&2
  exit 1
}
keyguard pre-receive "$@" >"$keyguard_out" 2>&1
keyguard_status=$?
if [ "$keyguard_status" -le 2 ]; then
  cat "$keyguard_out" >&2
else
  echo "keyguard: the scan did not finish (exit $keyguard_status: keyguard missing from PATH, killed or out of memory); push rejected, ask the server's admin" >&2
fi
rm -f "$keyguard_out"
exit "$keyguard_status"
`;

/** Writes `pre-receive` into the hooks folder git uses for the repository at `cwd` (bare or not). */
export async function installReceiveHook(cwd: string): Promise<{ file: string; changed: boolean }> {
  const dir = await resolveHooksDir(cwd);
  const file = join(dir, 'pre-receive');
  const existing = readHookText(file);
  if (existing !== undefined) {
    if (existing.includes(RECEIVE_MARK)) return { file, changed: false };
    throw new KeyguardError(
      'IO',
      `${file} exists and is not keyguard's: add 'keyguard pre-receive' to it yourself (see docs/git-gates.md), or print ours with 'keyguard install --hook pre-receive --print'`,
    );
  }
  mkdirSync(dir, { recursive: true });
  writeHookFile(file, RECEIVE_HOOK, 0o755);
  return { file, changed: true };
}
