import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command-io.js';
import { COMMANDS } from '../../src/cli/command-table.js';
import { isKeyguardError } from '../../src/model/errors.js';

// Docs may only document flags the parser takes, and help may only list them: checked against
// the commands themselves (in-process, in an empty folder), so neither can drift again.

const ROOT = resolve(import.meta.dirname, '../..');
const empty = mkdtempSync(join(tmpdir(), 'keyguard-docs-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

/** Flags of other programs that the docs show as such (git's, npm's, gitleaks'…), never keyguard's. */
const FOREIGN = new Set([
  // git
  '--no-verify',
  '--cached',
  '--batch',
  '--unshallow',
  '--textconv',
  '--no-textconv',
  '--ext-diff',
  '--no-ext-diff',
  '--pretty',
  '--name-only',
  '--first-parent',
  '--no-merges',
  '--merges',
  '--full-history',
  '--ancestry-path',
  '--follow',
  '--grep',
  '--invert-grep',
  '--all-match',
  '--committer',
  '--reflog',
  '--not',
  '--exclude',
  '--glob',
  '--no-walk',
  '--min-parents',
  '--max-parents',
  '--max-age',
  '--min-age',
  '--before',
  '--after',
  '--graph',
  '--diff-filter',
  '--filter',
  '--filters',
  '--deepen',
  '--bare',
  '--global',
  '--upload-pack',
  '--end-of-options',
  '--no-pager',
  '--no-show-signature',
  '--no-recurse-submodules',
  '--skip',
  '--stdin',
  '--enable-experimental-regexp-engine',
  '--enable-experimental-regexp-engine-on-excessive-backtracks',
  '--force',
  '--storage',
  '--snapshot-blob',
  '--repository',
  '--pre',
  '--hook-type',
  '--save-dev',
  '--staged',
  '--scan-history',
  '--fix',
  '--write',
  '--version',
  '--aws-secret-access-key',
  '--access-key-id',
  '--log-opts',
  '-p',
  '-diff',
  '-z',
  '-i',
  '-E',
  '-F',
  // git-secrets
  '--pre_commit_hook',
]);

function fakeIo(argv: readonly string[]): CommandIo {
  const sink = { write: () => undefined, isTTY: false };
  return {
    argv,
    cwd: empty,
    env: { HOME: empty, NO_COLOR: '1' },
    stdout: sink,
    stderr: sink,
    stdin: { async *[Symbol.asyncIterator]() {} },
    today: '2026-01-01',
    version: '0.0.0',
  };
}

const probed = new Map<string, boolean>();

/** Whether `keyguard <command>` takes `flag`: anything but an 'unknown option' error means yes. */
async function takes(command: string, flag: string): Promise<boolean> {
  const key = `${command} ${flag}`;
  const known = probed.get(key);
  if (known !== undefined) return known;
  const load = COMMANDS[command];
  if (load === undefined) throw new Error(`no command ${command}`);
  let ok = true;
  try {
    await (await load())(fakeIo([flag, '--help']));
  } catch (error) {
    if (!isKeyguardError(error)) throw error;
    ok = !/^unknown option /.test(error.message);
  }
  probed.set(key, ok);
  return ok;
}

const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Code: inline spans and fenced blocks, with the line each starts on. */
function codeOf(text: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  let fence = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) {
      fence = !fence;
      return;
    }
    if (fence) out.push({ code: line, line: i + 1 });
    else for (const m of line.matchAll(/`([^`]+)`/g)) out.push({ code: m[1] ?? '', line: i + 1 });
  });
  return out;
}

const FLAG = /^(--?[A-Za-z][\w-]*)(?:=.*)?$/;

/** `keyguard <command> …flags` within a piece of code, up to a shell separator or comment. */
function commandLines(code: string): { command: string; flags: string[] }[] {
  const out: { command: string; flags: string[] }[] = [];
  for (const m of code.matchAll(/(?:^|[\s/'"(])keyguard\s+([a-z][a-z-]*)\b([^|;&#)]*)/g)) {
    const command = m[1] ?? '';
    if (COMMANDS[command] === undefined) continue;
    const flags: string[] = [];
    for (const word of (m[2] ?? '').split(/\s+/)) {
      if (word === '--') break;
      const f = FLAG.exec(word.replace(/^['"]|['",.]$/g, ''));
      if (f?.[1] !== undefined) flags.push(f[1]);
    }
    out.push({ command, flags });
  }
  return out;
}

describe('docs document only flags that exist', () => {
  it('the probe tells a flag a command takes from one it does not', async () => {
    expect(await takes('tree', '--format')).toBe(true);
    expect(await takes('tree', '-f')).toBe(true);
    expect(await takes('tree', '--bogus')).toBe(false);
    expect(await takes('baseline', '--format')).toBe(false);
    expect(await takes('history', '--all')).toBe(true);
    expect(await takes('rules', '--verify')).toBe(false);
  });

  it('every flag on a `keyguard <command>` line in README.md and docs/ is taken by that command', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const { code, line } of codeOf(text))
        for (const { command, flags } of commandLines(code))
          for (const flag of flags) {
            checked++;
            // history takes git's ref and log selections through its own parser.
            if (command === 'history' && FOREIGN.has(flag)) continue;
            if (!(await takes(command, flag)))
              wrong.push(`${doc}:${line}: keyguard ${command} ${flag}`);
          }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  }, 60_000);

  it('every flag named on its own in README.md and docs/ belongs to some keyguard command', async () => {
    const wrong: string[] = [];
    const commands = Object.keys(COMMANDS);
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const { code, line } of codeOf(text)) {
        if (
          commandLines(code).length > 0 ||
          /\b(?:git|npm|npx|gitleaks|trufflehog|aws)\s/.test(code)
        )
          continue;
        const f = FLAG.exec(code.split(/\s/)[0] ?? '');
        const flag = f?.[1];
        if (flag === undefined || FOREIGN.has(flag)) continue;
        let found = false;
        for (const c of commands) if (await takes(c, flag)) found = true;
        if (!found) wrong.push(`${doc}:${line}: ${flag}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});

describe('help lists only the options a command has', () => {
  it('every flag in `keyguard <command> --help` is taken by that command', async () => {
    const wrong: string[] = [];
    for (const command of Object.keys(COMMANDS)) {
      let help = '';
      const io = fakeIo(['--help']);
      await (await (COMMANDS[command] as () => Promise<(io: CommandIo) => Promise<number>>)())({
        ...io,
        stdout: {
          write: (t: string) => {
            help += t;
          },
          isTTY: false,
        },
      });
      expect(help, command).toMatch(/^Usage: keyguard /);
      const listed = [...help.matchAll(/^ {2,}(?:(-[A-Za-z]), )?(--[a-z][\w-]*)/gm)].flatMap((m) =>
        [m[1], m[2]].filter((x): x is string => x !== undefined),
      );
      for (const flag of listed)
        if (!(await takes(command, flag))) wrong.push(`keyguard ${command} --help lists ${flag}`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
