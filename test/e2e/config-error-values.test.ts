import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { fakePair } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// A config or rule pack is where a careless colleague pastes a real key (the raw secret instead
// of its sha256, a key ID as an allowlist pattern) and where CI prints the error. Whatever is
// wrong, messages name the file, the JSON pointer and the problem: never the value.

const key = fakePair();
const other = fakePair('ASIA');
/** A value shaped like a rule id (lowercase letters and digits) that is really a secret. */
const token = (() => {
  const random = createRandom(9090);
  const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 40 }, () => abc[Math.floor(random() * abc.length)]).join('');
})();
const SECRETS = [key.id, key.secret, other.id, other.secret, token];

/** Every secret, and every 10-character piece of one, must be absent. */
function leaked(text: string): string[] {
  const pieces = SECRETS.flatMap((s) =>
    Array.from({ length: s.length - 9 }, (_, i) => s.slice(i, i + 10)),
  );
  return pieces.filter((p) => text.includes(p));
}

const dir = tempDir('kg-values-');
let n = 0;
function file(name: string, text: string): string {
  const path = join(dir.path, `${n++}-${name}`);
  writeFileSync(path, text);
  return path;
}
const json = (v: unknown) => JSON.stringify(v, null, 2);

function rule(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    kind: 'key-id',
    title: 'Widget key',
    description: 'A widget key.',
    severity: 'high',
    remediation: 'Rotate it.',
    pattern: 'WIDGET[0-9]{8}',
    keywords: ['WIDGET'],
    examples: { match: ['WIDGET12345678'], noMatch: ['nothing'] },
    ...extra,
  };
}
const pack = (rules: unknown[], more: Record<string, unknown> = {}) =>
  json({ version: 1, name: 'values', rules, ...more });

beforeAll(() => {
  assertBuilt();
  writeFileSync(join(dir.path, 'scan.txt'), 'nothing to see\n');
});
afterAll(() => dir.cleanup());

const CONFIGS: [string, string, number][] = [
  ['syntax error on an unquoted key', `{\n  "allowlist": { "x": ${key.id} }\n}`, 2],
  ['syntax error after a secret', `{ "baseline": "${key.secret}" "x": 1 }`, 2],
  ['control character inside a secret', `{ "baseline": "${key.secret}\u0001${key.id}" }`, 2],
  ['bad escape inside a secret', `{ "baseline": "${key.id}\\q${key.secret}" }`, 2],
  ['truncated after a secret', `{ "baseline": "${key.secret}`, 2],
  ['a key ID as a property name', json({ [key.id]: 1, [token]: 2 }), 2],
  [
    'the raw secret instead of its sha256',
    json({ allowlist: { secrets: [{ sha256: key.secret, reason: 'r' }] } }),
    2,
  ],
  ['wrong types and enum values', json({ maxFileSize: key.secret, failOn: key.id }), 2],
  ['a key ID as an account', json({ accounts: { own: [{ id: key.id, reason: 'r' }] } }), 2],
  [
    'a pattern that does not compile',
    json({ allowlist: { regexes: [{ pattern: `${key.id}(${key.secret}`, reason: 'r' }] } }),
    2,
  ],
  ['an unknown rule id', json({ enableRules: [token] }), 2],
  ['an unknown rule id to disable', json({ disableRules: [token] }), 2],
  [
    'expired entries (warnings)',
    json({
      allowlist: {
        regexes: [{ pattern: `${key.id}|${key.secret}`, reason: 'r', expires: '2020-01-01' }],
        paths: [{ glob: `${other.secret}/**`, reason: 'r', expires: '2020-01-01' }],
      },
      accounts: { allow: [{ id: '123456789012', reason: token, expires: '2020-01-01' }] },
    }),
    0,
  ],
];

const PACKS: [string, () => string][] = [
  ['syntax error on an unquoted key', () => `{ "version": 1, "name": ${key.id} }`],
  [
    'a pattern, a label and an allowlist pattern that do not compile',
    () =>
      pack([rule('widget', { pattern: `${key.id}(`, labels: { strong: `[${key.secret}` } })], {
        allowlist: { valuePatterns: [{ pattern: `(${other.id}`, reason: 'r' }] },
      }),
  ],
  ['a duplicate rule id', () => pack([rule(token), rule(token)])],
  [
    'a pair with an unknown partner',
    () =>
      pack([
        rule('widget'),
        {
          ...rule('widget-pair', {
            kind: 'pair',
            pairing: { keyId: token, secret: 'widget', withinLines: 2 },
          }),
          pattern: undefined,
          keywords: undefined,
        },
      ]),
  ],
  ['a key ID as a property name', () => pack([rule('widget', { [key.id]: true })])],
  ['a secret as a severity', () => pack([rule('widget', { severity: key.secret })])],
];

describe('error messages never quote config or rule-pack values', () => {
  it.each(CONFIGS)('config: %s', (_label, text, code) => {
    const config = file('config.json', text);
    for (const format of ['human', 'json']) {
      const r = runCli([
        'tree',
        join(dir.path, 'scan.txt'),
        '--config',
        config,
        '--format',
        format,
      ]);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toContain(config);
      expect(leaked(r.stdout + r.stderr)).toEqual([]);
    }
  });

  it.each(PACKS)('rule pack: %s', (_label, make) => {
    const packFile = file('pack.json', make());
    for (const args of [
      ['rules', 'check', packFile],
      ['tree', join(dir.path, 'scan.txt'), '--rules', packFile],
    ]) {
      const r = runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/#\/|invalid JSON at line/);
      expect(leaked(r.stdout + r.stderr)).toEqual([]);
    }
  });

  it('rule packs that clash with each other', () => {
    const a = file('a.json', pack([rule(token)]));
    const b = file('b.json', pack([rule(token)]));
    const r = runCli(['tree', join(dir.path, 'scan.txt'), '--rules', a, '--rules', b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${b}#/rules/0/id: duplicate rule id (as ${a}#/rules/0/id)`);
    expect(leaked(r.stdout + r.stderr)).toEqual([]);
  });

  it('says where and why, in one line per problem', () => {
    const syntax = runCli(['tree', dir.path, '--config', file('c.json', CONFIGS[0]?.[1] ?? '')]);
    expect(syntax.stderr.trim()).toMatch(
      /^keyguard: \S+c\.json: invalid JSON at line 2, column 23 \(expected a value \(unquoted text\?\)\)$/,
    );
    const regex = runCli(['tree', dir.path, '--config', file('r.json', CONFIGS[9]?.[1] ?? '')]);
    expect(regex.stderr).toMatch(
      /r\.json#\/allowlist\/regexes\/0\/pattern: invalid regular expression \(Unterminated group\)/,
    );
    const names = runCli(['tree', dir.path, '--config', file('n.json', json({ maxFilesize: 1 }))]);
    expect(names.stderr).toContain("#: unknown property 'maxFilesize'");
  });
});

describe('files a config names that are not there', () => {
  // A path in a config is a config value like any other: a colleague pastes a key where the
  // baseline's name goes, or a pull request names a file with escape sequences. The message names
  // the config file and the key that holds the path, on one line, and never the path.
  const hostile = `${key.id}/${key.secret}\u001b]0;pwned\u0007\n${token}.json`;
  const CASES: [string, Record<string, unknown>, string, number][] = [
    [
      'a rule pack',
      { rules: ['packs/real.json', hostile] },
      '#/rules/1: rule pack file not found',
      2,
    ],
    ['the baseline', { baseline: hostile }, '#/baseline: baseline file not found', 2],
    ['an extended file', { extends: [`./${hostile}`] }, '#/extends/0: file not found', 2],
    // A key ID is a valid npm package name: pasted there, it must not come back in the message.
    [
      'an npm package',
      { extends: key.id },
      '#/extends: no such package in node_modules (a file path starts with ./ or ../)',
      2,
    ],
  ];

  it.each(CASES)('%s', (_label, config, problem, code) => {
    const root = join(dir.path, `named-${n++}`);
    mkdirSync(join(root, 'packs'), { recursive: true });
    writeFileSync(join(root, 'packs', 'real.json'), pack([rule('widget')]));
    writeFileSync(join(root, '.keyguard.json'), json(config));
    writeFileSync(join(root, 'scan.txt'), 'nothing to see\n');
    for (const args of [
      ['tree', 'scan.txt'],
      ['tree', 'scan.txt', '--format', 'json'],
    ]) {
      const r = runCli(args, { cwd: root });
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toBe(`keyguard: ${join(root, '.keyguard.json')}${problem}\n`);
      expect(leaked(r.stdout + r.stderr)).toEqual([]);
    }
  });
});
