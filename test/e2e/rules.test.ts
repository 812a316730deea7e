import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/run-cli.js';

const PACKS = resolve(import.meta.dirname, '../../fixtures/rule-packs');

describe('keyguard rules', () => {
  it('checks the built-in pack and a valid user pack: exit 0', () => {
    const r = runCli(['rules', 'check', '--builtin', join(PACKS, 'valid/internal-keys.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rules\/aws\.json: \d+ rules, \d+ examples, all pass/);
    expect(r.stdout).toMatch(/internal-keys\.json: 1 rules, 3 examples, all pass/);
  });

  it('lists failing examples with their pointers: exit 1', () => {
    const r = runCli(['rules', 'check', join(PACKS, 'invalid/failing-examples.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /failing-examples\.json#\/rules\/0\/examples\/match\/0: rule 'widget-key' did not match this example: its pattern does not match it \(field pattern\)/,
    );
    expect(r.stdout).toMatch(
      /#\/rules\/0\/examples\/noMatch\/0: rule 'widget-key' matched an example it must not match: found WGT8\*+9261 at line 1, column 5/,
    );
  });

  it('rejects an invalid pack with every error at once: exit 2, no stack trace', () => {
    const r = runCli(['rules', 'check', join(PACKS, 'invalid/schema-errors.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(
      /^keyguard: \S+schema-errors\.json: invalid rule pack \(\d+ errors\)$/,
    );
    expect(r.stderr).toContain('#/rules/1/severity');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('uses a user pack added with --rules in a scan', () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'deploy.env'),
        'DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a\n',
      );
      const plain = runCli(['tree', dir.path]);
      expect(plain.code).toBe(0);
      const r = runCli([
        'tree',
        dir.path,
        '--rules',
        join(PACKS, 'valid/internal-keys.json'),
        '-f',
        'json',
      ]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings[0]).toMatchObject({
        ruleId: 'internal-deploy-token',
        line: 1,
        column: 14,
      });
      expect(r.stdout).not.toContain('q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a');
    } finally {
      dir.cleanup();
    }
  });

  it('names a broken --rules file and exits 2', () => {
    const r = runCli(['tree', '.', '--rules', join(PACKS, 'invalid/truncated.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^keyguard: \S+truncated\.json: invalid JSON/);
  });

  it('lists the built-in rules', () => {
    const r = runCli(['rules', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/aws-access-key-pair +pair +high +on/);
    expect(r.stdout).toMatch(/aws-unique-identifier +identifier +info +off/);
  });

  it("lists what a scan here would load: the config's packs, enableRules and disableRules", () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, '.keyguard.json'),
        JSON.stringify({
          rules: [join(PACKS, 'valid/internal-keys.json')],
          enableRules: ['aws-unique-identifier'],
          disableRules: ['aws-access-key-id'],
        }),
      );
      const r = runCli(['rules', 'list'], { cwd: dir.path });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^aws-unique-identifier +identifier +info +on +aws /m);
      expect(r.stdout).toMatch(/^aws-access-key-id +key-id +low +off +aws /m);
      const json = JSON.parse(runCli(['rules', 'list', '-f', 'json'], { cwd: dir.path }).stdout);
      const internal = json.rules.filter((x: { pack: string }) => x.pack !== 'aws');
      expect(internal.length).toBe(1);
      expect(internal[0].enabled).toBe(true);
      // --config and --rules as for a scan; a bad value names the valid ones.
      const other = join(dir.path, 'other.json');
      writeFileSync(other, '{}');
      const plain = runCli(['rules', 'list', '--config', other, '-f', 'json'], { cwd: dir.path });
      expect(JSON.parse(plain.stdout).rules.length).toBe(json.rules.length - 1);
      const bad = runCli(['rules', 'list', '-f', 'csv'], { cwd: dir.path });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe("keyguard: option '--format' takes one of human, json, not 'csv'\n");
      const misplaced = runCli(['rules', 'check', '--builtin', '-f', 'json']);
      expect(misplaced.code).toBe(2);
      expect(misplaced.stderr).toBe("keyguard: option '--format' is for 'keyguard rules list'\n");
    } finally {
      dir.cleanup();
    }
  });

  it('says which field kept a rule from matching its example', () => {
    const dir = tempDir();
    try {
      const rule = (id: string, extra: object, example: string) => ({
        id,
        kind: 'key-id',
        title: id,
        description: id,
        pattern: '\\b(ZQX[0-9A-Z]{10})\\b',
        keywords: ['ZQX'],
        severity: 'low',
        remediation: 'Rotate it.',
        ...extra,
        examples: { match: [example], noMatch: ['nothing here'] },
      });
      const file = join(dir.path, 'pack.json');
      writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          name: 'why',
          rules: [
            rule('by-keyword', { keywords: ['ZQXW'] }, 'id ZQX8K2M9P4R7T1'),
            rule('by-entropy', { minEntropy: 3 }, 'id ZQX0000000000'),
            rule('by-pattern', {}, 'id ZQX-short'),
          ],
        }),
      );
      const r = runCli(['rules', 'check', file]);
      expect(r.code).toBe(1);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(
        /#\/rules\/0\/examples\/match\/0: .*none of its keywords \(ZQXW\) occurs in it \(field keywords\)$/,
      );
      expect(lines[1]).toMatch(
        /#\/rules\/1\/examples\/match\/0: .*the value's entropy \d+\.\d+ is below minEntropy 3 \(field minEntropy\)$/,
      );
      expect(lines[2]).toMatch(/#\/rules\/2\/examples\/match\/0: .*\(field pattern\)$/);
    } finally {
      dir.cleanup();
    }
  });
});
