import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readGitConfig, resolveGitCommonDir, resolveHooksDir } from '../git/hooks-dir.js';
import { KeyguardError } from '../model/errors.js';
import { type GateSpec, placeGateFirst } from './gate-placement.js';
import { assertInside, readHookFile, removeHookFile, shown, writeHookFile } from './hook-file.js';

export const BLOCK_START =
  '# >>> keyguard pre-commit gate (remove with: keyguard install --uninstall) >>>';
export const BLOCK_END = '# <<< keyguard <<<';

/**
 * What a plain (non-husky) hook runs: the project's pinned keyguard first, then PATH; else block.
 * `keyguard-pre-commit` is a shell prefilter that runs `keyguard staged` whenever an added line
 * could hold a credential, and answers in milliseconds when none can. The block holds no path of
 * this machine or repository: nothing in it can be shaped by a folder's name.
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

/**
 * One command, for hook managers that run a line through `sh` (lefthook, simple-git-hooks): the
 * project's keyguard, else PATH's; a missing one exits 127 and blocks.
 */
export const GATE_COMMAND =
  'if [ -x ./node_modules/.bin/keyguard-pre-commit ]; then ./node_modules/.bin/keyguard-pre-commit; else keyguard-pre-commit; fi';

/** Any line that already runs the gate: `keyguard-pre-commit`, `keyguard staged`, `node …/keyguard.js staged`. */
const RUNS_GATE = /^[^#\n]*\bkeyguard(?:-pre-commit\b|(?:\.js"?)?\s+staged\b)/m;

/** RUNS_GATE for one line. */
export const RUNS_GATE_LINE = /^[^#]*\bkeyguard(?:-pre-commit\b|(?:\.js"?)?\s+staged\b)/;

export const BLOCK_START_PREFIX = '# >>> keyguard pre-commit gate';

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
  /** The repository's common git directory (hooks may live there), absolute. */
  readonly gitCommonDir: string;
  /** The file `keyguard install` edits: `.husky/<hook>`, or `<hooksDir>/<hook>`. */
  readonly file: string;
}

export async function readHookLayout(
  top: string,
  hook: HookName = 'pre-commit',
): Promise<HookLayout> {
  const husky = isDir(join(top, '.husky'));
  const [hooksPath, hooksDir, gitCommonDir] = await Promise.all([
    readGitConfig(top, 'core.hooksPath'),
    resolveHooksDir(top),
    resolveGitCommonDir(top),
  ]);
  const file = husky ? join(top, '.husky', hook) : join(hooksDir, hook);
  return {
    top,
    hook,
    husky,
    ...(hooksPath === undefined ? {} : { hooksPath }),
    hooksDir,
    gitCommonDir,
    file,
  };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The hook's text; undefined when there is none. Links, FIFOs and others' files are refused. */
export function readHookText(file: string): string | undefined {
  return readHookFile(file);
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

/** A husky active in this clone: git runs .husky/_ (husky 9) or .husky (husky 8). */
export function huskyActive(layout: HookLayout): boolean {
  return layout.hooksPath === '.husky/_' || layout.hooksPath === '.husky';
}

/** What a hook's `#!` line runs; undefined for a shell script (or no `#!`). */
export function foreignInterpreter(text: string): string | undefined {
  const first = text.split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return undefined;
  const shell =
    /^#!\s*(?:\S*\/)?(?:env\s+(?:-S\s+)?)?(?:sh|bash|dash|zsh|ksh|ash|mksh|busybox\s+sh)(?:\s|$)/;
  return shell.test(first) ? undefined : first.slice(2).trim();
}

/**
 * Checks that the file keyguard is about to edit is really this repository's: its folder is
 * inside the work tree or the git directory (a symbolic link to elsewhere, or a core.hooksPath
 * shared by the whole machine, is refused with the line to add by hand).
 */
export function assertOwnHookFolder(layout: HookLayout, line: string): void {
  assertInside(
    join(layout.file, '..'),
    [layout.top, layout.gitCommonDir],
    `add '${line}' first in ${shown(layout.file)} yourself`,
  );
}

export function hookSpec(gate: string, keepOwnFlags: boolean): GateSpec {
  return {
    gate,
    blockStartPrefix: BLOCK_START_PREFIX,
    blockEnd: BLOCK_END,
    runs: RUNS_GATE,
    ...(keepOwnFlags
      ? { keep: (line: string) => /^keyguard-pre-commit(\s+[\w.=/@:,+-]+)*$/.test(line) }
      : {}),
  };
}

/** Notes on how git will run what was written: husky inactive, core.hooksPath elsewhere. */
export function layoutNotes(layout: HookLayout): string[] {
  if (layout.husky && !huskyActive(layout)) {
    return [
      "husky is not active in this clone (core.hooksPath is not .husky/_): run 'npm install' (its prepare script runs husky) or 'npx husky'",
    ];
  }
  if (!layout.husky && layout.hooksPath !== undefined) {
    return [`core.hooksPath is '${shown(layout.hooksPath)}': the hook goes there`];
  }
  return [];
}

/**
 * Puts the gate FIRST in `.husky/pre-commit` (husky; its `prepare` script is never touched) or in
 * the pre-commit hook of the folder git uses, replacing any older keyguard line. Idempotent.
 */
export function installHook(layout: HookLayout): InstallResult {
  const display = shown(relative(layout.top, layout.file) || layout.file);
  assertOwnHookFolder(layout, layout.husky ? HUSKY_LINE : 'keyguard-pre-commit || exit $?');
  const existing = readHookText(layout.file);
  const notes = layoutNotes(layout);
  if (existing !== undefined) {
    const other = foreignInterpreter(existing);
    if (other !== undefined) {
      throw new KeyguardError(
        'USAGE',
        `${display} is not a shell script (#!${shown(other)}): make it run 'keyguard-pre-commit' first and stop on its exit status yourself`,
      );
    }
  }
  const placed = placeGateFirst(
    existing,
    hookSpec(layout.husky ? `${HUSKY_LINE}\n` : HOOK_BLOCK, layout.husky),
    layout.husky ? undefined : '#!/bin/sh',
  );
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

/** Removes what `installHook` added; a hook left with nothing but a shebang is deleted. */
export function uninstallHook(layout: HookLayout): InstallResult {
  const display = shown(relative(layout.top, layout.file) || layout.file);
  const existing = readHookText(layout.file);
  if (existing === undefined) return { file: display, changed: false, notes: [`no ${display}`] };
  assertOwnHookFolder(layout, HUSKY_LINE);
  let text = existing;
  const start = text.indexOf(BLOCK_START);
  const end = text.indexOf(BLOCK_END);
  if (start !== -1 && end > start) {
    text = text.slice(0, start) + text.slice(end + BLOCK_END.length).replace(/^\n/, '');
  }
  text = text
    .split('\n')
    .filter(
      (line) =>
        !/^keyguard-pre-commit(\s|$)/.test(line.trim()) && line.trim() !== 'keyguard staged',
    )
    .join('\n');
  if (text === existing) {
    return { file: display, changed: false, notes: [`${display} does not run keyguard`] };
  }
  if (!layout.husky && text.trim() === '#!/bin/sh') {
    removeHookFile(layout.file);
    return { file: display, changed: true, notes: [`${display} removed`] };
  }
  writeHookFile(layout.file, text);
  return { file: display, changed: true, notes: [] };
}
