import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { KeyguardError } from '../model/errors.js';
import { readHookFile, shown, writeHookFile } from './hook-file.js';
import { GATE_COMMAND, type HookName } from './pre-commit-hook.js';

/**
 * Hook managers that own `.git/hooks` and rewrite it from their own config: a line written into
 * the hook file would be lost at their next install, so keyguard goes into their config instead
 * (where it can be written safely) or says exactly what to add.
 */
export type ManagerName = 'lefthook' | 'simple-git-hooks' | 'pre-commit';

export interface Manager {
  readonly name: ManagerName;
  /** The config file, relative to the top (package.json for simple-git-hooks' key). */
  readonly config: string;
}

export interface ManagerResult {
  /** Written into the config (true), already there (false), or left to the user (undefined). */
  readonly changed: boolean | undefined;
  readonly lines: readonly string[];
}

const LEFTHOOK = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];
const SIMPLE_JSON = ['.simple-git-hooks.json', 'simple-git-hooks.json'];
const SIMPLE_JS = [
  '.simple-git-hooks.cjs',
  '.simple-git-hooks.js',
  '.simple-git-hooks.mjs',
  'simple-git-hooks.cjs',
  'simple-git-hooks.js',
  'simple-git-hooks.mjs',
];

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

function packageJson(top: string): Record<string, unknown> | undefined {
  const file = join(top, 'package.json');
  if (!isFile(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readHookFile(file) ?? '');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The hook manager this repository uses, if any (first found: pre-commit, lefthook, simple-git-hooks). */
export function detectManager(top: string): Manager | undefined {
  if (isFile(join(top, '.pre-commit-config.yaml')))
    return { name: 'pre-commit', config: '.pre-commit-config.yaml' };
  const lefthook = LEFTHOOK.find((f) => isFile(join(top, f)));
  if (lefthook !== undefined) return { name: 'lefthook', config: lefthook };
  const simple = [...SIMPLE_JSON, ...SIMPLE_JS].find((f) => isFile(join(top, f)));
  if (simple !== undefined) return { name: 'simple-git-hooks', config: simple };
  if (packageJson(top)?.['simple-git-hooks'] !== undefined)
    return { name: 'simple-git-hooks', config: 'package.json' };
  return undefined;
}

/** The command a manager runs for each gate (through `sh`, with the hook's arguments). */
function command(hook: HookName, args: string): string {
  return hook === 'pre-commit'
    ? GATE_COMMAND
    : `if [ -x ./node_modules/.bin/keyguard ]; then ./node_modules/.bin/keyguard pre-push --quiet ${args}; else keyguard pre-push --quiet ${args}; fi`;
}

function lefthookSnippet(hook: HookName): string[] {
  return [
    `${hook}:`,
    '  commands:',
    '    keyguard:',
    `      run: '${command(hook, '{1} {2}')}'`,
    ...(hook === 'pre-push' ? ['      use_stdin: true'] : []),
  ];
}

function preCommitSnippet(hook: HookName): string[] {
  const local = hook === 'pre-commit' ? 'keyguard-pre-commit' : 'keyguard history --pre-push';
  return [
    'repos:',
    '  - repo: local',
    '    hooks:',
    `      - id: ${hook === 'pre-commit' ? 'keyguard' : 'keyguard-push'}`,
    `        name: keyguard (AWS keys in ${hook === 'pre-commit' ? 'staged changes' : 'pushed commits'})`,
    `        entry: ${local}`,
    '        language: system',
    '        pass_filenames: false',
    '        always_run: true',
    `        stages: [${hook}]`,
  ];
}

const RUNS_KEYGUARD: Record<HookName, RegExp> = {
  'pre-commit': /keyguard(?:-pre-commit\b|\s+staged\b)|id:\s*keyguard\s*$/m,
  'pre-push': /keyguard(?:\s+pre-push\b|\s+history\s+--pre-push\b)|id:\s*keyguard-push\b/m,
};

function lefthook(top: string, m: Manager, hook: HookName): ManagerResult {
  const file = join(top, m.config);
  const text = readHookFile(file) ?? '';
  if (RUNS_KEYGUARD[hook].test(text)) return { changed: false, lines: [] };
  const snippet = lefthookSnippet(hook);
  // A YAML file keyguard does not parse: a new top-level key is appended; a hook key that is
  // already there is the user's to extend (the exact lines are printed).
  if (new RegExp(`^${hook}:`, 'm').test(text)) return { changed: undefined, lines: snippet };
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeHookFile(file, `${text}${sep}${snippet.join('\n')}\n`);
  return { changed: true, lines: snippet };
}

function simpleGitHooks(top: string, m: Manager, hook: HookName): ManagerResult {
  const file = join(top, m.config);
  const gate = command(hook, '"$@"');
  if (SIMPLE_JS.includes(m.config)) {
    const text = readHookFile(file) ?? '';
    if (RUNS_KEYGUARD[hook].test(text)) return { changed: false, lines: [] };
    return { changed: undefined, lines: [`'${hook}': '${gate} && <your other commands>'`] };
  }
  const text = readHookFile(file) ?? '';
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new KeyguardError(
      'IO',
      `${shown(m.config)} is not valid JSON: keyguard cannot add its hook`,
    );
  }
  const holder = (m.config === 'package.json' ? doc['simple-git-hooks'] : doc) as
    | Record<string, unknown>
    | undefined;
  if (typeof holder !== 'object' || holder === null || Array.isArray(holder))
    throw new KeyguardError('IO', `${shown(m.config)}: 'simple-git-hooks' is not an object`);
  const current = holder[hook];
  if (typeof current === 'string' && RUNS_KEYGUARD[hook].test(current))
    return { changed: false, lines: [] };
  if (current !== undefined && typeof current !== 'string')
    throw new KeyguardError('IO', `${shown(m.config)}: the '${hook}' hook is not a string`);
  // First: `&&` runs the project's commands only when keyguard passed.
  holder[hook] = current === undefined || current.trim() === '' ? gate : `${gate} && ${current}`;
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  writeHookFile(file, `${JSON.stringify(doc, null, indent)}\n`);
  return { changed: true, lines: [`"${hook}": ${JSON.stringify(holder[hook])}`] };
}

/** Adds the gate to the manager's config, or returns the lines to add by hand. */
export function installInManager(top: string, m: Manager, hook: HookName): ManagerResult {
  switch (m.name) {
    case 'lefthook':
      return lefthook(top, m, hook);
    case 'simple-git-hooks':
      return simpleGitHooks(top, m, hook);
    case 'pre-commit': {
      const text = readHookFile(join(top, m.config)) ?? '';
      if (RUNS_KEYGUARD[hook].test(text)) return { changed: false, lines: [] };
      return { changed: undefined, lines: preCommitSnippet(hook) };
    }
  }
}

/** What makes the manager write its hooks after its config changed. */
export function managerApply(m: Manager): string {
  switch (m.name) {
    case 'lefthook':
      return 'npx lefthook install';
    case 'simple-git-hooks':
      return 'npx simple-git-hooks';
    case 'pre-commit':
      return 'pre-commit install --hook-type pre-commit --hook-type pre-push';
  }
}

/** True when the manager's config names keyguard for this hook. */
export function managerRunsGate(top: string, m: Manager, hook: HookName): boolean {
  const file = join(top, m.config);
  if (!existsSync(file)) return false;
  return RUNS_KEYGUARD[hook].test(readHookFile(file) ?? '');
}
