import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakePair } from '../helpers/fake-keys.js';
import { assertBuilt, BIN, tempDir } from '../helpers/run-cli.js';

// Rule packs and config regexes may come from a pull request. Patterns that backtrack
// catastrophically in V8 ((a+)+$ takes longer than the universe on a 1 MB line) must not stall a
// scan: user patterns run on a linear-time engine, and what it cannot run is refused at load.
// The ceiling is generous; before the linear engine each of these ran for hours.
const CEILING_MS = 20_000;

/** Exponential and polynomial shapes that never match the test line (it ends in '!', has no '#'). */
const HOSTILE = ['(a+)+$', '(a|a)+$', '(?:a*)*#', '.*x.*y.*z$', '(\\w|\\d)+#$'];

const dir = tempDir('kg-redos-');
const key = fakePair();
const LINE = 'a'.repeat(1 << 20);
/** Two 1 MB runs of 'a' around a credential pair on one line: every regex gets to run on it. */
const BIG = join(dir.path, 'big.env');

function rule(id: string, pattern: string, labels?: Record<string, string>) {
  return {
    id,
    kind: 'secret',
    title: 'Hostile',
    description: 'A pattern that backtracks.',
    severity: 'high',
    remediation: 'None.',
    pattern,
    secretGroup: 0,
    keywords: ['a'],
    ...(labels === undefined ? {} : { labels }),
    examples: { match: ['aaaa'], noMatch: ['bbbb'] },
  };
}

function write(name: string, value: unknown): string {
  const path = join(dir.path, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

/** The built CLI, killed at the ceiling (a hang must fail the test, not stall the suite). */
function timed(args: string[]) {
  const start = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: CEILING_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - start };
}

beforeAll(() => {
  assertBuilt();
  writeFileSync(
    BIG,
    `${LINE}aws_access_key_id=${key.id} aws_secret_access_key=${key.secret} ${LINE}!\n`,
  );
});
afterAll(() => dir.cleanup());

// Each test runs up to two scans, each held to CEILING_MS: the test's own limit allows both.
describe('hostile regular expressions cannot hang a scan', {
  timeout: 2 * CEILING_MS + 5_000,
}, () => {
  it('a rule pack of backtracking patterns (pattern and labels) finishes on a 1 MB line, also in workers', () => {
    const pack = write('pack.json', {
      version: 1,
      name: 'hostile',
      rules: HOSTILE.map((p, i) =>
        rule(`hostile-${i}`, p, { strong: p, weak: p, context: p, carrier: p }),
      ),
      allowlist: { valuePatterns: HOSTILE.map((p) => ({ pattern: p, reason: 'hostile' })) },
    });
    // A worker loads the linear-time engine for a user pack (and only then) before compiling it.
    for (const jobs of ['1', '2']) {
      const r = timed(['tree', BIG, '--rules', pack, '--format', 'json', '--jobs', jobs]);
      expect(r.ms, `--jobs ${jobs}`).toBeLessThan(CEILING_MS);
      expect([0, 1], r.stderr).toContain(r.code);
      // The built-in rules still see the key.
      expect(r.stdout).toContain('aws-access-key-pair');
    }
  });

  it('config allowlist regexes (secret, line and path) finish on a 1 MB line, also in workers', () => {
    const config = write('config.json', {
      allowlist: {
        regexes: HOSTILE.flatMap((pattern) =>
          (['secret', 'line', 'path'] as const).map((target) => ({
            pattern,
            target,
            reason: 'hostile',
          })),
        ),
      },
    });
    for (const jobs of ['1', '2']) {
      const r = timed(['tree', BIG, '--config', config, '--format', 'json', '--jobs', jobs]);
      expect(r.ms, `--jobs ${jobs}`).toBeLessThan(CEILING_MS);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain('aws-access-key-pair');
    }
  });

  it('refuses at load what the linear engine cannot run: file, pointer and reason, one line', () => {
    const pack = write('backref.json', {
      version: 1,
      name: 'backref',
      rules: [rule('backref', '^(a+)+\\1?$')],
    });
    const r = timed(['tree', BIG, '--rules', pack]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${pack}#/rules/0/pattern: uses a backreference: user patterns run on a linear-time engine (RE2)`,
    );
    const config = write('lookahead.json', {
      allowlist: { regexes: [{ pattern: `(?=${key.id})`, reason: 'hostile' }] },
    });
    const c = timed(['tree', BIG, '--config', config]);
    expect(c.code).toBe(2);
    expect(c.stderr.trim()).toBe(
      `keyguard: ${config}#/allowlist/regexes/0/pattern: uses a lookahead or lookbehind: user patterns run on a linear-time engine (RE2)`,
    );
    expect(r.ms + c.ms).toBeLessThan(CEILING_MS);
  });
});
