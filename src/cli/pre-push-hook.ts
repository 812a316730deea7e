import { relative } from 'node:path';
import { KeyguardError } from '../model/errors.js';
import { type GateSpec, placeGateFirst } from './gate-placement.js';
import { removeHookFile, shown, writeHookFile } from './hook-file.js';
import {
  assertOwnHookFolder,
  foreignInterpreter,
  type HookLayout,
  type InstallResult,
  layoutNotes,
  readHookText,
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
  ./node_modules/.bin/keyguard pre-push --quiet "$@" <"$keyguard_refs" || keyguard_status=$?
elif command -v keyguard >/dev/null 2>&1; then
  keyguard pre-push --quiet "$@" <"$keyguard_refs" || keyguard_status=$?
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

/** RUNS_PUSH_GATE for one line. */
export const RUNS_PUSH_LINE = /^[^#]*\bkeyguard(?:\.js"?)?\s+(?:pre-push\b|history\s+--pre-push\b)/;

export const PUSH_BLOCK_START_PREFIX = '# >>> keyguard pre-push gate';

export function runsPushGate(text: string): boolean {
  return RUNS_PUSH_GATE.test(text);
}

const PUSH_SPEC: GateSpec = {
  gate: PUSH_BLOCK,
  blockStartPrefix: PUSH_BLOCK_START_PREFIX,
  blockEnd: PUSH_BLOCK_END,
  runs: RUNS_PUSH_GATE,
};

/**
 * Puts the pre-push gate FIRST in `.husky/pre-push` (husky 9) or in `pre-push` in the hooks folder
 * git uses (core.hooksPath honoured), replacing an older keyguard block or line. Idempotent.
 */
export function installPushHook(layout: HookLayout): InstallResult {
  const display = shown(relative(layout.top, layout.file) || layout.file);
  assertOwnHookFolder(layout, 'keyguard pre-push "$@"');
  const existing = readHookText(layout.file);
  const notes = layoutNotes(layout);
  const other = existing === undefined ? undefined : foreignInterpreter(existing);
  if (other !== undefined) {
    throw new KeyguardError(
      'USAGE',
      `${display} is not a shell script (#!${shown(other)}): make it run 'keyguard pre-push "$@"' first, on git's standard input, and stop on its exit status yourself`,
    );
  }
  const placed = placeGateFirst(existing, PUSH_SPEC, layout.husky ? undefined : '#!/bin/sh');
  for (const line of placed.replaced) notes.push(`replaced an older keyguard line: ${shown(line)}`);
  if (placed.text === existing) {
    return {
      file: display,
      changed: false,
      notes: [...notes, `${display} already runs keyguard first`],
    };
  }
  writeHookFile(layout.file, placed.text, layout.husky ? undefined : 0o755);
  return { file: display, changed: true, notes };
}

/** Removes what `installPushHook` added; a plain hook left with only a shebang is deleted. */
export function uninstallPushHook(layout: HookLayout): InstallResult {
  const display = shown(relative(layout.top, layout.file) || layout.file);
  const existing = readHookText(layout.file);
  if (existing === undefined) return { file: display, changed: false, notes: [`no ${display}`] };
  assertOwnHookFolder(layout, 'keyguard pre-push "$@"');
  const start = existing.indexOf(PUSH_SPEC.blockStartPrefix);
  const end = existing.indexOf(PUSH_BLOCK_END);
  if (start === -1 || end < start) {
    return { file: display, changed: false, notes: [`${display} has no keyguard pre-push block`] };
  }
  const text =
    existing.slice(0, start) + existing.slice(end + PUSH_BLOCK_END.length).replace(/^\n/, '');
  if (text.trim() === '' || (!layout.husky && text.trim() === '#!/bin/sh')) {
    removeHookFile(layout.file);
    return { file: display, changed: true, notes: [`${display} removed`] };
  }
  writeHookFile(layout.file, text);
  return { file: display, changed: true, notes: [] };
}
