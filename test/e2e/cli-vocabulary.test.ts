import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-table.js';
import { fakePair } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// One CLI, one vocabulary: the same answer to the same mistake in every command, and one colour
// policy for everything that prints.

assertBuilt();
const dir = tempDir();
afterAll(() => dir.cleanup());
const p = fakePair();
writeFileSync(
  join(dir.path, 'creds.ini'),
  `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`,
);

const ESC = '\x1b[';

describe('every command', () => {
  it.each(Object.keys(COMMANDS))('%s: an unknown flag is one line naming it, exit 2', (command) => {
    const r = runCli([command, '--frobnicate'], { cwd: dir.path });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `keyguard: unknown option '--frobnicate' for 'keyguard ${command}' (see keyguard ${command} --help)\n`,
    );
  });

  it.each(Object.keys(COMMANDS))('%s --help: its own heading and options', (command) => {
    const r = runCli([command, '--help'], { cwd: dir.path });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: keyguard ${command}\\b`));
    expect(r.stdout).toMatch(/-h, --help/);
  });
});

describe('bad values list the valid ones', () => {
  it.each([
    [
      ['tree', '-f', 'xml'],
      /takes one of human, json, sarif, github, markdown, gitlab, csv, junit, template, not 'xml'/,
    ],
    [
      ['tree', '--jobs', '-1'],
      /^keyguard: option '--jobs' takes a whole number from 1, not '-1'\n$/,
    ],
    [['tree', '-j', '0'], /^keyguard: option '--jobs' takes a whole number from 1, not '0'\n$/],
    [
      ['tree', '--fail-on', 'severe'],
      /takes one of critical, high, medium, low, info, not 'severe'/,
    ],
    [['rules', 'list', '-f', 'sarif'], /takes one of human, json, not 'sarif'/],
    [['audit-aws-config', '-f', 'csv'], /takes one of human, json, not 'csv'/],
  ])('%j', (args, message) => {
    const r = runCli(args, { cwd: dir.path });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('colour everywhere or nowhere', () => {
  const printing: string[][] = [['tree'], ['rules', 'list'], ['explain', 'aws-access-key-pair']];
  it('FORCE_COLOR colours every command; NO_COLOR, --no-color and a pipe colour none', () => {
    for (const args of printing) {
      const forced = runCli(args, {
        cwd: dir.path,
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
      });
      expect(forced.stdout, args.join(' ')).toContain(ESC);
      const flag = runCli([...args, '--color'], { cwd: dir.path });
      expect(flag.stdout, args.join(' ')).toContain(ESC);
      const off = runCli([...args, '--no-color'], {
        cwd: dir.path,
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
      });
      expect(off.stdout, args.join(' ')).not.toContain(ESC);
      const none = runCli(args, { cwd: dir.path, env: { NO_COLOR: '1' } });
      expect(none.stdout, args.join(' ')).not.toContain(ESC);
      // Not a terminal and nothing forced: plain.
      const piped = runCli(args, { cwd: dir.path, env: { NO_COLOR: undefined } });
      expect(piped.stdout, args.join(' ')).not.toContain(ESC);
      expect(off.stdout).toBe(none.stdout.replace(/\d+ ms/, off.stdout.match(/\d+ ms/)?.[0] ?? ''));
    }
  });
});

describe('-o/--output where a command prints a report', () => {
  it.each([
    [['tree', '-f', 'json']],
    [['rules', 'list']],
    [['explain', 'aws-access-key-pair']],
    [['audit-aws-config', join('creds.ini')]],
  ])('%j -o writes the same text to a file, never coloured', (args) => {
    const shown = runCli(args, { cwd: dir.path });
    const out = join(dir.path, `out-${args[0]}.txt`);
    const written = runCli([...args, '-o', out], {
      cwd: dir.path,
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(written.code).toBe(shown.code);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain(ESC);
    expect(text.replace(/"durationMs": \d+/, '')).toBe(
      shown.stdout.replace(/"durationMs": \d+/, ''),
    );
  });
});
