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
      /failing-examples\.json#\/rules\/0\/examples\/match\/0: rule 'widget-key' did not match this example/,
    );
    expect(r.stdout).toMatch(
      /#\/rules\/0\/examples\/noMatch\/0: rule 'widget-key' matched an example it must not match/,
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
});
