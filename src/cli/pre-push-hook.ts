import { mkdirSync, unlinkSync } from 'node:fs';
import { relative } from 'node:path';
import { KeyguardError } from '../model/errors.js';
import {
  type HookLayout,
  type InstallResult,
  readHookText,
  writeHookText,
} from './pre-commit-hook.js';

export const PUSH_BLOCK_START =
  '# >>> keyguard pre-push gate (remove with: keyguard install --hook pre-push --uninstall) >>>';
export const PUSH_BLOCK_END = '# <<< keyguard pre-push <<<';

/**
 * The pre-push gate, placed FIRST in the hook: git hands the pushed refs to the hook's standard
 * input once, and a line above ours that read it would leave keyguard an empty push to approve.
 * The block keeps a copy, gives it to keyguard, then makes the copy the standard input of the rest
 * of the hook. Written for `sh -e` (husky): a failure is caught, the copy removed, then the hook
 * exits with keyguard's status. A missing keyguard blocks the push: a gate that is not there must
 * not mean an open one.
 */
export const PUSH_BLOCK = `${PUSH_BLOCK_START}
keyguard_refs=$(mktemp "\${TMPDIR:-/tmp}/keyguard-pre-push.XXXXXX") || exit 1
cat >"$keyguard_refs"
keyguard_status=0
if [ -x ./node_modules/.bin/keyguard ]; then
  ./node_modules/.bin/keyguard pre-push "$@" <"$keyguard_refs" || keyguard_status=$?
elif command -v keyguard >/dev/null 2>&1; then
  keyguard pre-push "$@" <"$keyguard_refs" || keyguard_status=$?
else
  echo "keyguard: not found in node_modules/.bin or on PATH; push blocked (install keyguard, or bypass once with git push --no-verify)" >&2
  keyguard_status=1
fi
exec <"$keyguard_refs"
rm -f "$keyguard_refs"
[ "$keyguard_status" -eq 0 ] || exit "$keyguard_status"
${PUSH_BLOCK_END}
`;

/** Any line that already runs the push gate (`keyguard pre-push`, `keyguard history --pre-push`). */
const RUNS_PUSH_GATE = /^[^#\n]*\bkeyguard(?:\.js"?)?\s+(?:pre-push\b|history\s+--pre-push\b)/m;

export function runsPushGate(text: string): boolean {
  return RUNS_PUSH_GATE.test(text);
}

/** The hook with the block inserted first (after a `#!` line, which must stay first). */
function withBlock(existing: string | undefined, husky: boolean): string {
  if (existing === undefined || existing === '')
    return husky ? PUSH_BLOCK : `#!/bin/sh\n${PUSH_BLOCK}`;
  if (existing.startsWith('#!')) {
    const nl = existing.indexOf('\n');
    const shebang = nl === -1 ? `${existing}\n` : existing.slice(0, nl + 1);
    return `${shebang}${PUSH_BLOCK}${nl === -1 ? '' : existing.slice(nl + 1)}`;
  }
  return `${PUSH_BLOCK}${existing}`;
}

/**
 * Adds the pre-push gate to `.husky/pre-push` (husky 9) or to `pre-push` in the hooks folder git
 * uses (core.hooksPath honoured), as a marked block placed first. Idempotent.
 */
export function installPushHook(layout: HookLayout): InstallResult {
  const display = relative(layout.top, layout.file) || layout.file;
  const existing = readHookText(layout.file);
  const notes: string[] = [];
  if (layout.husky && layout.hooksPath !== '.husky/_' && layout.hooksPath !== '.husky') {
    notes.push(
      "husky is not active in this clone (core.hooksPath is not .husky/_): run 'npm install' (its prepare script runs husky) or 'npx husky'",
    );
  } else if (!layout.husky && layout.hooksPath !== undefined) {
    notes.push(`core.hooksPath is '${layout.hooksPath}': the hook goes there`);
  }
  if (existing !== undefined && runsPushGate(existing)) {
    return { file: display, changed: false, notes: [...notes, `${display} already runs keyguard`] };
  }
  if (!layout.husky) mkdirSync(layout.hooksDir, { recursive: true });
  writeHookText(layout.file, withBlock(existing, layout.husky), layout.husky ? undefined : 0o755);
  return { file: display, changed: true, notes };
}

/** Removes what `installPushHook` added; a plain hook left with only a shebang is deleted. */
export function uninstallPushHook(layout: HookLayout): InstallResult {
  const display = relative(layout.top, layout.file) || layout.file;
  const existing = readHookText(layout.file);
  if (existing === undefined) return { file: display, changed: false, notes: [`no ${display}`] };
  const start = existing.indexOf(PUSH_BLOCK_START);
  const end = existing.indexOf(PUSH_BLOCK_END);
  if (start === -1 || end < start) {
    return { file: display, changed: false, notes: [`${display} has no keyguard pre-push block`] };
  }
  const text =
    existing.slice(0, start) + existing.slice(end + PUSH_BLOCK_END.length).replace(/^\n/, '');
  if (text.trim() === '' || (!layout.husky && text.trim() === '#!/bin/sh')) {
    try {
      unlinkSync(layout.file);
    } catch (error) {
      throw new KeyguardError(
        'IO',
        `cannot remove ${display}: ${(error as NodeJS.ErrnoException).code}`,
      );
    }
    return { file: display, changed: true, notes: [`${display} removed`] };
  }
  writeHookText(layout.file, text);
  return { file: display, changed: true, notes: [] };
}
