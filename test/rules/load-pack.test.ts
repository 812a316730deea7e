import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRuleExamples } from '../../src/app/check-rule-examples.js';
import { KeyguardError } from '../../src/model/errors.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../src/rules/builtin-pack.js';
import { loadRulePack } from '../../src/rules/load-pack.js';

const PACKS = resolve(import.meta.dirname, '../../fixtures/rule-packs');

async function errorOf(file: string): Promise<KeyguardError> {
  try {
    await loadRulePack(file);
  } catch (error) {
    if (error instanceof KeyguardError) return error;
    throw error;
  }
  throw new Error(`${file} loaded but should not`);
}

describe('loadRulePack', () => {
  it('accepts the built-in pack through the same validation as a user pack', async () => {
    const spec = await loadRulePack(resolve(import.meta.dirname, '../..', BUILTIN_PACK_FILE));
    expect(spec.rules.map((r) => r.id)).toEqual(BUILTIN_PACK.rules.map((r) => r.id));
  });

  it('accepts a valid user pack whose examples pass', async () => {
    const file = join(PACKS, 'valid/internal-keys.json');
    const spec = await loadRulePack(file);
    expect(checkRuleExamples(spec, file)).toEqual([]);
  });

  it('reports every schema error at once with its JSON pointer', async () => {
    const error = await errorOf(join(PACKS, 'invalid/schema-errors.json'));
    expect(error.code).toBe('RULE_PACK_INVALID');
    const details = error.details.join('\n');
    expect(details).toContain('schema-errors.json#/version: must be equal to constant');
    expect(details).toContain('schema-errors.json#/name: must match pattern');
    expect(details).toContain("schema-errors.json#/rules/0: must have required property 'pattern'");
    expect(details).toContain(
      'schema-errors.json#/rules/1/severity: must be equal to one of the allowed values',
    );
    expect(details).toContain("schema-errors.json#/rules/1: unknown property 'extra'");
  });

  it('reports broken regexes and duplicate ids together', async () => {
    const error = await errorOf(join(PACKS, 'invalid/bad-regex.json'));
    expect(error.details).toHaveLength(3);
    expect(error.details.join('\n')).toMatch(/#\/rules\/0\/pattern: invalid regular expression/);
    expect(error.details.join('\n')).toMatch(
      /#\/rules\/1\/id: duplicate rule id \(as \/rules\/0\/id\)/,
    );
    expect(error.details.join('\n')).toMatch(/#\/rules\/1\/pattern: invalid regular expression/);
  });

  it('names the file of truncated JSON', async () => {
    const error = await errorOf(join(PACKS, 'invalid/truncated.json'));
    expect(error.message).toMatch(/truncated\.json: invalid JSON/);
  });

  it('finds examples that do not behave as declared', async () => {
    const file = join(PACKS, 'invalid/failing-examples.json');
    const failures = checkRuleExamples(await loadRulePack(file), file);
    expect(failures.map((f) => f.pointer.replace(/^.*#/, '#'))).toEqual([
      '#/rules/0/examples/match/0',
      '#/rules/0/examples/noMatch/0',
    ]);
  });
});
