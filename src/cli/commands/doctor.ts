import {
  accessSync,
  appendFileSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { readRepoInfo } from '../../git/repo-info.js';
import {
  commitInScratchRepo,
  commitSkippingHooks,
  initBareScratchRepo,
  initScratchRepo,
  pushInScratchRepo,
} from '../../git/scratch-repo.js';
import { KeyguardError } from '../../model/errors.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../rules/expand-placeholders.js';
import type { CommandIo } from '../command-io.js';
import { gatePrefix, huskyRunner, writeScratchHooks } from '../gate-prefix.js';
import { shown } from '../hook-file.js';
import { detectManager, managerApply, managerRunsGate } from '../hook-managers.js';
import { parseOptions, stringOption } from '../parse-options.js';
import {
  BLOCK_END,
  BLOCK_START_PREFIX,
  GATE_COMMAND,
  type HookLayout,
  RUNS_GATE_LINE,
  readHookLayout,
  runsGate,
} from '../pre-commit-hook.js';
import {
  PUSH_BLOCK_END,
  PUSH_BLOCK_START_PREFIX,
  RUNS_PUSH_LINE,
  runsPushGate,
} from '../pre-push-hook.js';

/** The PATH command a hook line runs the gate through (a `node …/keyguard.js` line needs none). */
function gateCommand(text: string): string | undefined {
  const m = /(^|[\s;&|])(?:\.\/node_modules\/\.bin\/)?(keyguard-pre-commit|keyguard)(?=\s|$)/m.exec(
    text,
  );
  return m?.[2];
}

const HELP = `Usage: keyguard doctor [--hook pre-commit|pre-push]

Check that the gates really work in this repository:
  - which hooks folder git uses (core.hooksPath, husky) and whether the hook is there and executable;
  - whether the hook runs the gate (keyguard-pre-commit or keyguard staged), and whether it is on the hook's PATH;
  - a live test: in a throwaway repository using this repository's hooks, a commit staging a
    generated fake key must be blocked, and a harmless commit must go through.
  - when a pre-push gate is installed (or --hook pre-push): the same checks for it, and a live
    test: from a throwaway repository using these hooks, a harmless push to a throwaway bare
    repository must go through and a push of a commit holding a generated fake key must be blocked.

Exit 0 when every check passes, 1 when one fails (each failure says how to fix it).

      --hook <name>         check only this gate: pre-commit or pre-push (default: pre-commit,
                            and pre-push when it is installed)
  -h, --help                this help
`;

/** Variables that would point git at the user's repository instead of the scratch one. */
const REPO_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
  'GIT_NAMESPACE',
];

interface Check {
  readonly ok: boolean;
  readonly text: string;
  readonly fix?: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function onPath(command: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

/** PATH as the hook will see it: husky and our own hook put node_modules/.bin first. */
function hookPath(layout: HookLayout, env: CommandIo['env']): string {
  return [join(layout.top, 'node_modules', '.bin'), env.PATH ?? ''].join(delimiter);
}

function staticChecks(layout: HookLayout, env: CommandIo['env']): Check[] {
  const checks: Check[] = [];
  const hookFile = join(layout.hooksDir, 'pre-commit');
  const where =
    layout.hooksPath === undefined ? '.git/hooks' : `core.hooksPath=${layout.hooksPath}`;
  checks.push({ ok: true, text: `git runs hooks from ${layout.hooksDir} (${where})` });
  if (layout.husky) {
    const active = layout.hooksPath === '.husky/_' || layout.hooksPath === '.husky';
    checks.push({
      ok: active,
      text: active
        ? 'husky is active (core.hooksPath=.husky/_)'
        : `.husky/ exists but core.hooksPath is ${layout.hooksPath === undefined ? 'unset' : `'${layout.hooksPath}'`}: husky hooks never run`,
      ...(active ? {} : { fix: "run 'npm install' (prepare runs husky) or 'npx husky'" }),
    });
  }
  const hookText = readText(hookFile);
  if (hookText === undefined) {
    checks.push({
      ok: false,
      text: `no pre-commit hook at ${hookFile}`,
      fix: layout.husky ? "run 'npm install' to let husky write it" : "run 'keyguard install'",
    });
  } else {
    const x = executable(hookFile);
    checks.push({
      ok: x,
      text: x ? `${hookFile} is executable` : `${hookFile} is not executable: git ignores it`,
      ...(x ? {} : { fix: `chmod +x ${hookFile}` }),
    });
  }
  const gateText = readText(layout.file);
  const gate = gateText !== undefined && runsGate(gateText);
  checks.push({
    ok: gate,
    text: gate
      ? `${layout.file} runs the keyguard gate`
      : `${layout.file} does not run the keyguard gate (keyguard-pre-commit)`,
    ...(gate ? {} : { fix: "run 'keyguard install'" }),
  });
  if (!layout.husky && layout.hooksPath !== undefined) {
    const standard = join(layout.top, '.git', 'hooks', 'pre-commit');
    const stray = readText(standard);
    if (stray !== undefined && runsGate(stray) && !gate) {
      checks.push({
        ok: false,
        text: `core.hooksPath points to ${layout.hooksPath}, so the keyguard hook in .git/hooks never runs`,
        fix: "run 'keyguard install' again (it writes to the folder git uses)",
      });
    }
  }
  const command = gateText === undefined ? undefined : gateCommand(gateText);
  if (gate && command !== undefined) {
    const found = onPath(command, hookPath(layout, env));
    checks.push({
      ok: found !== undefined,
      text:
        found === undefined
          ? `${command} is not on the hook's PATH (node_modules/.bin, then PATH)`
          : `the hook finds ${command} at ${found}`,
      ...(found === undefined
        ? { fix: 'npm install --save-dev keyguard (or install it globally)' }
        : {}),
    });
  }
  if (env.HUSKY === '0') {
    checks.push({
      ok: false,
      text: 'HUSKY=0 is set in this environment: husky skips every hook',
      fix: 'unset HUSKY',
    });
  }
  return checks;
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

/** A throwaway repository whose hooks run `body` (the real hook up to its gate) as git would. */
async function scratchRepo(
  layout: HookLayout,
  env: CommandIo['env'],
  body: string,
): Promise<{ root: string; dir: string; env: Record<string, string | undefined> }> {
  const root = mkdtempSync(join(tmpdir(), 'keyguard-doctor-'));
  const dir = join(root, 'work');
  mkdirSync(dir);
  const scratchEnv: Record<string, string | undefined> = { ...env, PATH: hookPath(layout, env) };
  for (const name of REPO_VARS) delete scratchEnv[name];
  try {
    const runner = layout.husky ? huskyRunner(layout.top) : undefined;
    const hooksDir = runner !== undefined ? join(dir, '.husky', '_') : join(root, 'hooks');
    await initScratchRepo(dir, hooksDir, scratchEnv);
    writeScratchHooks(
      root,
      dir,
      layout.hook,
      body,
      layout.husky ? (runner === undefined ? {} : { runner }) : undefined,
    );
    // Hooks resolve tools from the work tree (husky's relative node_modules/.bin, npx): give the
    // scratch repository this project's node_modules, kept out of its commits.
    const modules = join(layout.top, 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(dir, 'node_modules'), 'dir');
    appendFileSync(join(dir, '.git', 'info', 'exclude'), '\n/node_modules\n/.husky/\n');
    return { root, dir, env: scratchEnv };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

/** The part of the hook that runs up to the gate, or the check saying why there is none. */
function gateBody(
  layout: HookLayout,
  text: string | undefined,
  runs: RegExp,
  blockStart: string,
  blockEnd: string,
  fix: string,
): { body?: string; checks: Check[] } {
  const split = text === undefined ? undefined : gatePrefix(text, runs, blockStart, blockEnd);
  if (split === undefined) {
    return {
      checks: [{ ok: false, text: `live test skipped: ${layout.file} does not run the gate`, fix }],
    };
  }
  const first = split.before.length === 0;
  return {
    body: split.prefix,
    checks: [
      {
        ok: first,
        text: first
          ? `the gate runs first in ${layout.file}`
          : `${split.before.length} command${split.before.length === 1 ? '' : 's'} run before the gate in ${layout.file} (${shown(split.before[0] ?? '')}${split.before.length > 1 ? ', …' : ''}): a failure or an 'exit' there skips it, and they run before every commit is checked`,
        ...(first ? {} : { fix }),
      },
    ],
  };
}

/**
 * Commits through the hook, up to and including its gate, in a scratch repository: a harmless
 * commit must go through and a generated fake key must be blocked by keyguard. The project's own
 * commands after the gate (tests, formatters) are not run: they need the project, and they cannot
 * let a key through that the gate before them stopped.
 */
async function liveChecks(
  layout: HookLayout,
  env: CommandIo['env'],
  body: string,
): Promise<Check[]> {
  const checks: Check[] = [];
  const scratch = await scratchRepo(layout, env, body);
  const { dir } = scratch;
  const scratchEnv = scratch.env;
  try {
    const random = createRandom(Date.now() >>> 0);
    writeFileSync(join(dir, 'README.md'), 'keyguard doctor: a harmless file\n');
    const clean = await commitInScratchRepo(dir, 'doctor: harmless commit', scratchEnv);
    const cleanSaid = `${clean.stdout.toString('utf8')}${clean.stderr}`.trim();
    checks.push({
      ok: clean.code === 0,
      text:
        clean.code === 0
          ? 'a harmless commit goes through'
          : `a harmless commit was blocked too (exit ${clean.code}): ${lastLines(clean.stderr, 3)}`,
      ...(clean.code === 0 ? {} : { fix: 'fix the hook so it only fails on findings' }),
    });
    if (clean.code === 0) {
      checks.push({
        ok: cleanSaid === '',
        text:
          cleanSaid === ''
            ? 'the harmless commit was silent'
            : `the harmless commit printed: ${lastLines(cleanSaid, 2)}`,
        ...(cleanSaid === '' ? {} : { fix: "run 'keyguard install' (the gate runs with --quiet)" }),
      });
    }
    writeFileSync(
      join(dir, 'deploy.env'),
      `aws_access_key_id=${fakeKeyId(random, 'AKIA')}\naws_secret_access_key=${fakeSecret(random)}\n`,
    );
    const blocked = await commitInScratchRepo(dir, 'doctor: commit with a fake key', scratchEnv);
    const said = `${blocked.stdout.toString('utf8')}\n${blocked.stderr}`;
    const byKeyguard = /\bfindings?\b/.test(said);
    checks.push({
      ok: blocked.code !== 0 && byKeyguard,
      text:
        blocked.code === 0
          ? 'a commit with a (fake) AWS key went through: the hook does not stop keys'
          : byKeyguard
            ? 'a commit with a (fake) AWS key is blocked by keyguard'
            : `a commit with a (fake) key was blocked, but not by a keyguard finding: ${lastLines(said, 3)}`,
      ...(blocked.code !== 0 && byKeyguard
        ? {}
        : { fix: "run 'keyguard install', then 'keyguard doctor' again" }),
    });
  } finally {
    rmSync(scratch.root, { recursive: true, force: true });
  }
  return checks;
}

/** The pre-push gate's file: there, executable (plain hooks), running keyguard, found on PATH. */
function pushStaticChecks(layout: HookLayout, env: CommandIo['env']): Check[] {
  const text = readText(layout.file);
  if (text === undefined || !runsPushGate(text)) {
    return [
      {
        ok: false,
        text: `${layout.file} does not run the keyguard pre-push gate`,
        fix: "run 'keyguard install --hook pre-push'",
      },
    ];
  }
  const checks: Check[] = [{ ok: true, text: `${layout.file} runs the keyguard pre-push gate` }];
  const runner = layout.husky ? join(layout.hooksDir, 'pre-push') : layout.file;
  if (!executable(runner)) {
    checks.push({
      ok: false,
      text: `${runner} is missing or not executable: git never runs the pre-push hook`,
      fix: layout.husky ? "run 'npm install' (husky writes it)" : `chmod +x ${runner}`,
    });
  }
  const found = onPath('keyguard', hookPath(layout, env));
  checks.push({
    ok: found !== undefined,
    text:
      found === undefined
        ? "keyguard is not on the pre-push hook's PATH (node_modules/.bin, then PATH)"
        : `the pre-push hook finds keyguard at ${found}`,
    ...(found === undefined
      ? { fix: 'npm install --save-dev keyguard (or install it globally)' }
      : {}),
  });
  return checks;
}

/** Pushes through the hook, up to its gate, from a scratch repository: a fake key must be blocked. */
async function pushLiveChecks(
  layout: HookLayout,
  env: CommandIo['env'],
  body: string,
): Promise<Check[]> {
  const scratch = await scratchRepo(layout, env, body);
  const { dir } = scratch;
  const scratchEnv = scratch.env;
  const remote = join(scratch.root, 'remote.git');
  const checks: Check[] = [];
  try {
    mkdirSync(remote);
    await initBareScratchRepo(remote, scratchEnv);
    writeFileSync(join(dir, 'README.md'), 'keyguard doctor: a harmless file\n');
    await commitSkippingHooks(dir, 'doctor: harmless commit', scratchEnv);
    const clean = await pushInScratchRepo(dir, remote, scratchEnv);
    checks.push({
      ok: clean.code === 0,
      text:
        clean.code === 0
          ? 'a harmless push goes through'
          : `a harmless push was blocked too (exit ${clean.code}): ${lastLines(clean.stderr, 3)}`,
      ...(clean.code === 0 ? {} : { fix: 'fix the pre-push hook so it only fails on findings' }),
    });
    const random = createRandom(Date.now() >>> 0);
    writeFileSync(
      join(dir, 'deploy.env'),
      `aws_access_key_id=${fakeKeyId(random, 'AKIA')}\naws_secret_access_key=${fakeSecret(random)}\n`,
    );
    await commitSkippingHooks(dir, 'doctor: commit with a fake key', scratchEnv);
    const blocked = await pushInScratchRepo(dir, remote, scratchEnv);
    const said = `${blocked.stdout.toString('utf8')}\n${blocked.stderr}`;
    const byKeyguard = /\bfindings?\b/.test(said) && /push to .* blocked/.test(said);
    checks.push({
      ok: blocked.code !== 0 && byKeyguard,
      text:
        blocked.code === 0
          ? 'a push of a commit with a (fake) AWS key went through: the pre-push hook does not stop keys'
          : byKeyguard
            ? 'a push of a commit with a (fake) AWS key is blocked by keyguard'
            : `a push with a (fake) key was blocked, but not by a keyguard finding: ${lastLines(said, 3)}`,
      ...(blocked.code !== 0 && byKeyguard
        ? {}
        : { fix: "run 'keyguard install --hook pre-push', then 'keyguard doctor' again" }),
    });
  } finally {
    rmSync(scratch.root, { recursive: true, force: true });
  }
  return checks;
}

/** The pre-commit gate: static checks, where it runs in the hook, then the live test. */
async function preCommitChecks(layout: HookLayout, env: CommandIo['env']): Promise<Check[]> {
  const manager = layout.husky ? undefined : detectManager(layout.top);
  if (manager !== undefined) {
    const runs = managerRunsGate(layout.top, manager, 'pre-commit');
    const checks: Check[] = [
      {
        ok: runs,
        text: runs
          ? `${manager.name} (${manager.config}) runs the keyguard gate`
          : `${manager.name} (${manager.config}) does not run the keyguard gate`,
        ...(runs ? {} : { fix: "run 'keyguard install' (it adds it, or prints the lines to add)" }),
      },
    ];
    const hookText = readText(join(layout.hooksDir, 'pre-commit'));
    const installed = hookText !== undefined && executable(join(layout.hooksDir, 'pre-commit'));
    checks.push({
      ok: installed,
      text: installed
        ? `${manager.name} has written the pre-commit hook`
        : `no executable pre-commit hook in ${layout.hooksDir}: ${manager.name} has not written its hooks`,
      ...(installed ? {} : { fix: managerApply(manager) }),
    });
    // The manager's own runner needs the project: the live test runs the gate command keyguard
    // installs in the manager's config, alone.
    if (runs) checks.push(...(await liveChecks(layout, env, `#!/bin/sh\n${GATE_COMMAND}\n`)));
    return checks;
  }
  const checks = staticChecks(layout, env);
  const gate = gateBody(
    layout,
    readText(layout.file),
    RUNS_GATE_LINE,
    BLOCK_START_PREFIX,
    BLOCK_END,
    "run 'keyguard install' (it puts the gate first)",
  );
  checks.push(...gate.checks);
  if (gate.body !== undefined) checks.push(...(await liveChecks(layout, env, gate.body)));
  return checks;
}

export async function runDoctor(io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    io.argv,
    { hook: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    'doctor',
    0,
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const only = stringOption(values, 'hook');
  if (only !== undefined && only !== 'pre-commit' && only !== 'pre-push') {
    throw new KeyguardError('USAGE', `option '--hook' takes pre-commit or pre-push, not '${only}'`);
  }
  const info = await readRepoInfo(io.cwd);
  const checks: Check[] = [];
  const gates: string[] = [];
  if (only !== 'pre-push') {
    const layout = await readHookLayout(info.top);
    checks.push(...(await preCommitChecks(layout, io.env)));
    gates.push('pre-commit');
  }
  const push = await readHookLayout(info.top, 'pre-push');
  const pushText = readText(push.file);
  if (only === 'pre-push' || (pushText !== undefined && runsPushGate(pushText))) {
    const statics = pushStaticChecks(push, io.env);
    checks.push(...statics);
    if (statics.every((c) => c.ok)) {
      const gate = gateBody(
        push,
        pushText,
        RUNS_PUSH_LINE,
        PUSH_BLOCK_START_PREFIX,
        PUSH_BLOCK_END,
        "run 'keyguard install --hook pre-push' (it puts the gate first)",
      );
      checks.push(...gate.checks);
      if (gate.body !== undefined) checks.push(...(await pushLiveChecks(push, io.env, gate.body)));
    }
    gates.push('pre-push');
  } else {
    checks.push({
      ok: true,
      text: "no pre-push gate (optional: 'keyguard install --hook pre-push' blocks pushes too)",
    });
  }
  for (const c of checks) {
    io.stdout.write(`${c.ok ? '✔' : '✖'} ${c.text}\n`);
    if (c.fix !== undefined) io.stdout.write(`    fix: ${c.fix}\n`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  io.stdout.write(
    failed === 0
      ? `keyguard doctor: the ${gates.join(' and ')} gate${gates.length === 1 ? '' : 's'} work${gates.length === 1 ? 's' : ''}\n`
      : `keyguard doctor: ${failed} problem${failed === 1 ? '' : 's'} found\n`,
  );
  return failed === 0 ? 0 : 1;
}
