import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isolatedGitEnv } from './git-repo.js';

/** The committed action bundle GitHub runs (`runs.main` in action.yml). */
export const ACTION_MAIN = resolve(import.meta.dirname, '../../action/main.mjs');

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let clock = 1_750_000_000;

/**
 * A sandbox with a bare "origin" (as GitHub serves it: any commit fetchable by id), an author
 * clone to make history in, and checkouts made the way actions/checkout makes them.
 */
export interface Sandbox {
  readonly root: string;
  readonly origin: string;
  readonly author: string;
  readonly env: Record<string, string>;
  git(cwd: string, ...args: string[]): string;
  tryGit(cwd: string, ...args: string[]): Run;
  /** Writes files in the author clone and commits them; returns the commit id. */
  commit(files: Readonly<Record<string, string | Buffer | null>>, message: string): string;
  /** A checkout of `ref` (shallow unless depth is 0), like actions/checkout with fetch-depth. */
  checkout(name: string, ref: string, depth: number): string;
  cleanup(): void;
}

/** No GitHub or action input variable of the machine's own run leaks into the action under test. */
function isolatedEnv(home: string): Record<string, string> {
  const drop = (k: string) => k.startsWith('GITHUB_') || k.startsWith('INPUT_') || k === 'CI';
  return { ...isolatedGitEnv(home, drop), GIT_TERMINAL_PROMPT: '0' };
}

export function createSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'keyguard-action-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const env = isolatedEnv(home);
  const tryGit = (cwd: string, ...args: string[]): Run => {
    clock += 60;
    const r = spawnSync('git', args, {
      cwd,
      encoding: 'utf8',
      env: { ...env, GIT_AUTHOR_DATE: `${clock} +0000`, GIT_COMMITTER_DATE: `${clock} +0000` },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const git = (cwd: string, ...args: string[]): string => {
    const r = tryGit(cwd, ...args);
    if (r.code !== 0) throw new Error(`git ${args.join(' ')} (in ${cwd}): ${r.stderr}`);
    return r.stdout.trim();
  };
  git(root, 'config', '--global', 'init.defaultBranch', 'main');
  git(root, 'config', '--global', 'advice.detachedHead', 'false');
  const origin = join(root, 'origin.git');
  git(root, 'init', '--bare', '--quiet', origin);
  // GitHub lets clients fetch any commit by id; a bare repository needs telling.
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  const author = join(root, 'author');
  git(root, 'clone', '--quiet', origin, author);
  return {
    root,
    origin,
    author,
    env,
    git,
    tryGit,
    commit(files, message) {
      for (const [path, text] of Object.entries(files)) {
        const abs = join(author, path);
        if (text === null) {
          git(author, '--literal-pathspecs', 'rm', '--quiet', '--', path);
          continue;
        }
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, text);
        git(author, '--literal-pathspecs', 'add', '--', path);
      }
      git(author, 'commit', '--quiet', '--allow-empty', '-m', message);
      return git(author, 'rev-parse', 'HEAD');
    },
    checkout(name, ref, depth) {
      const dir = join(root, name);
      const url = `file://${origin}`;
      const args = ['clone', '--quiet', '--no-tags', '--branch', ref];
      if (depth > 0) args.push(`--depth=${depth}`);
      git(root, ...args, url, dir);
      return dir;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface ActionRun extends Run {
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly sarif?: unknown;
}

/** Parses `$GITHUB_OUTPUT` (name=value and name<<DELIM heredocs). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc !== null) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      out[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/**
 * Runs the bundled action the way the runner does: `node action/main.mjs` in the workspace, with
 * the event payload in a file, GITHUB_* variables and INPUT_* inputs.
 */
export function runAction(
  sandbox: Sandbox,
  workspace: string,
  event: { name: string; payload: unknown },
  inputs: Readonly<Record<string, string>> = {},
): ActionRun {
  const files = mkdtempSync(join(sandbox.root, 'runner-'));
  const eventPath = join(files, 'event.json');
  writeFileSync(eventPath, JSON.stringify(event.payload));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    ...sandbox.env,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [ACTION_MAIN], { cwd: workspace, env, encoding: 'utf8' });
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
  let sarif: unknown;
  if (outputs.sarif !== undefined && outputs.sarif !== '')
    sarif = JSON.parse(readFileSync(resolve(workspace, outputs.sarif), 'utf8'));
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    outputs,
    summary: readFileSync(summaryFile, 'utf8'),
    ...(sarif === undefined ? {} : { sarif }),
  };
}

/** A workflow command as the Actions runner parses it from one line of a step's output. */
export interface RunnerCommand {
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly data: string;
  readonly line: string;
}

function unescapeCommand(text: string): string {
  return text
    .replace(/%0D/gi, '\r')
    .replace(/%0A/gi, '\n')
    .replace(/%3A/gi, ':')
    .replace(/%2C/gi, ',')
    .replace(/%25/g, '%');
}

/** `::name k=v,k=v::data`, after the leading whitespace the runner trims (.NET TrimStart). */
function parseCurrent(line: string): RunnerCommand | undefined {
  const trimmed = line.replace(/^[\s\u0085]+/, '');
  if (!trimmed.startsWith('::')) return undefined;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = trimmed.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1));
    }
  }
  return { name, properties, data: unescapeCommand(trimmed.slice(end + 2)), line };
}

/** The legacy form the runner still accepts anywhere in a line: `##[name k=v;k=v]data`. */
function parseLegacy(line: string): RunnerCommand | undefined {
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const close = line.indexOf(']', start);
  if (close < 0) return undefined;
  const info = line.slice(start + 3, close);
  const space = info.indexOf(' ');
  return {
    name: space < 0 ? info : info.slice(0, space),
    properties: {},
    data: line.slice(close + 1),
    line,
  };
}

/**
 * The workflow commands the runner would act on in a step's output, read the way it reads it:
 * lines end at CR, LF or CRLF; a line is a command in the current form or, failing that, the
 * legacy one; between `stop-commands::<token>` and `::<token>::` only the resuming line counts.
 * Every command name is taken as known, so this errs on the side of finding more.
 */
export function runnerCommands(output: string): RunnerCommand[] {
  const found: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const command = parseCurrent(line) ?? parseLegacy(line);
    if (command === undefined) continue;
    if (stopToken !== undefined) {
      if (command.name.toLowerCase() !== stopToken.toLowerCase()) continue;
      stopToken = undefined;
    } else if (command.name === 'stop-commands') {
      stopToken = command.data;
    }
    found.push(command);
  }
  return found;
}
