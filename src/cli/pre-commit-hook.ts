import { chmodSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readGitConfig, resolveHooksDir } from '../git/hooks-dir.js';
import { KeyguardError } from '../model/errors.js';

export const BLOCK_START =
  '# >>> keyguard pre-commit gate (remove with: keyguard install --uninstall) >>>';
export const BLOCK_END = '# <<< keyguard <<<';

/**
 * What a plain (non-husky) hook runs: the project's pinned keyguard first, then PATH; else block.
 * `keyguard-pre-commit` is a shell prefilter that runs `keyguard staged` whenever an added line
 * could hold a credential, and answers in milliseconds when none can.
 */
export const HOOK_BLOCK = `${BLOCK_START}
if [ -x ./node_modules/.bin/keyguard-pre-commit ]; then
  ./node_modules/.bin/keyguard-pre-commit || exit $?
elif command -v keyguard-pre-commit >/dev/null 2>&1; then
  keyguard-pre-commit || exit $?
else
  echo "keyguard: not found in node_modules/.bin or on PATH; commit blocked (install keyguard, or bypass once with git commit --no-verify)" >&2
  exit 1
fi
${BLOCK_END}
`;

/** The line added to `.husky/pre-commit` (husky puts node_modules/.bin on PATH itself). */
export const HUSKY_LINE = 'keyguard-pre-commit';

/** Any line that already runs the gate: `keyguard-pre-commit`, `keyguard staged`, `node …/keyguard.js staged`. */
const RUNS_GATE = /^[^#\n]*\bkeyguard(?:-pre-commit\b|(?:\.js"?)?\s+staged\b)/m;

/** The hooks keyguard installs. */
export type HookName = 'pre-commit' | 'pre-push';

export interface HookLayout {
  readonly top: string;
  readonly hook: HookName;
  /** `.husky/` exists at the top level. */
  readonly husky: boolean;
  /** core.hooksPath as configured, if any. */
  readonly hooksPath?: string;
  /** Where git actually looks for hooks (core.hooksPath honoured), absolute. */
  readonly hooksDir: string;
  /** The file `keyguard install` edits: `.husky/<hook>`, or `<hooksDir>/<hook>`. */
  readonly file: string;
}

export async function readHookLayout(
  top: string,
  hook: HookName = 'pre-commit',
): Promise<HookLayout> {
  const husky = isDir(join(top, '.husky'));
  const hooksPath = await readGitConfig(top, 'core.hooksPath');
  const hooksDir = await resolveHooksDir(top);
  const file = husky ? join(top, '.husky', hook) : join(hooksDir, hook);
  return { top, hook, husky, ...(hooksPath === undefined ? {} : { hooksPath }), hooksDir, file };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function readHookText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeyguardError('IO', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

export function writeHookText(file: string, text: string, mode?: number): void {
  try {
    writeFileSync(file, text, mode === undefined ? {} : { mode });
    if (mode !== undefined) chmodSync(file, mode);
  } catch (error) {
    throw new KeyguardError('IO', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

/** True when the hook text already runs `keyguard staged`. */
export function runsGate(text: string): boolean {
  return RUNS_GATE.test(text);
}

export interface InstallResult {
  readonly file: string;
  readonly changed: boolean;
  readonly notes: readonly string[];
}

/**
 * Adds the gate: appended to `.husky/pre-commit` with husky (its `prepare` script is never
 * touched), or a marked block in the pre-commit hook of the hooks folder git uses. Idempotent.
 */
export function installHook(layout: HookLayout): InstallResult {
  const display = relative(layout.top, layout.file) || layout.file;
  const existing = readHookText(layout.file);
  const notes: string[] = [];
  if (layout.husky) {
    if (layout.hooksPath !== '.husky/_' && layout.hooksPath !== '.husky') {
      notes.push(
        "husky is not active in this clone (core.hooksPath is not .husky/_): run 'npm install' (its prepare script runs husky) or 'npx husky'",
      );
    }
  } else if (layout.hooksPath !== undefined) {
    notes.push(`core.hooksPath is '${layout.hooksPath}': the hook goes there`);
  }
  if (existing !== undefined && runsGate(existing)) {
    return { file: display, changed: false, notes: [...notes, `${display} already runs keyguard`] };
  }
  if (layout.husky) {
    const prefix = existing === undefined || existing === '' || existing.endsWith('\n') ? '' : '\n';
    writeHookText(layout.file, `${existing ?? ''}${prefix}${HUSKY_LINE}\n`);
    return { file: display, changed: true, notes };
  }
  mkdirSync(layout.hooksDir, { recursive: true });
  if (existing === undefined) {
    writeHookText(layout.file, `#!/bin/sh\n${HOOK_BLOCK}`, 0o755);
    return { file: display, changed: true, notes };
  }
  if (/^\s*exec\s/m.test(existing)) {
    notes.push(`${display} has an 'exec' line: the keyguard block appended after it may never run`);
  }
  const prefix = existing.endsWith('\n') ? '' : '\n';
  writeHookText(layout.file, `${existing}${prefix}${HOOK_BLOCK}`, 0o755);
  return { file: display, changed: true, notes };
}

/** Removes what `installHook` added; a hook left with nothing but a shebang is deleted. */
export function uninstallHook(layout: HookLayout): InstallResult {
  const display = relative(layout.top, layout.file) || layout.file;
  const existing = readHookText(layout.file);
  if (existing === undefined) return { file: display, changed: false, notes: [`no ${display}`] };
  let text = existing;
  const start = text.indexOf(BLOCK_START);
  const end = text.indexOf(BLOCK_END);
  if (start !== -1 && end > start) {
    text = text.slice(0, start) + text.slice(end + BLOCK_END.length).replace(/^\n/, '');
  }
  text = text
    .split('\n')
    .filter((line) => line.trim() !== HUSKY_LINE && line.trim() !== 'keyguard staged')
    .join('\n');
  if (text === existing) {
    return { file: display, changed: false, notes: [`${display} does not run keyguard`] };
  }
  if (!layout.husky && text.trim() === '#!/bin/sh') {
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
