import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DECLARATION,
  generateValidator,
  REPO_ROOT,
  VALIDATORS,
} from '../../scripts/validators.mjs';
import { validate as validateConfig } from '../../src/schema/validate-config.generated.js';
import { validate as validateRulePack } from '../../src/schema/validate-rule-pack.generated.js';

describe('precompiled schema validators (src/schema/*.generated.js)', () => {
  for (const [out, schemaFile] of Object.entries(VALIDATORS)) {
    it(`${out} is what npm run build:validators makes from ${schemaFile}`, () => {
      const committed = readFileSync(join(REPO_ROOT, out), 'utf8');
      const declaration = readFileSync(join(REPO_ROOT, out.replace(/\.js$/, '.d.ts')), 'utf8');
      // On failure: run `npm run build:validators` and commit the result.
      expect(committed === generateValidator(schemaFile), `${out} is stale`).toBe(true);
      expect(declaration).toBe(DECLARATION);
    });
  }

  it('accept the shipped rule pack and reject what the schemas forbid, with every error', () => {
    const pack = JSON.parse(readFileSync(join(REPO_ROOT, 'rules', 'aws.json'), 'utf8')) as unknown;
    expect(validateRulePack(pack)).toBe(true);
    expect(validateConfig({ failOn: 'high', allowlist: { paths: [] } })).toBe(true);
    expect(validateConfig({ failOn: 'sometimes', extra: 1, rules: [''] })).toBe(false);
    const keywords = (validateConfig.errors ?? []).map((e) => e.keyword).sort();
    expect(keywords).toEqual(['additionalProperties', 'enum', 'minLength']);
  });

  it('takes maxFileSize only as a whole number of bytes, at least 1', () => {
    for (const maxFileSize of [1, 1048576]) expect(validateConfig({ maxFileSize })).toBe(true);
    for (const maxFileSize of [0, -1, 0.5, 1.5, '10', null, true]) {
      expect(validateConfig({ maxFileSize }), String(maxFileSize)).toBe(false);
    }
  });

  it('takes allowPartial as a boolean', () => {
    expect(validateConfig({ allowPartial: true })).toBe(true);
    expect(validateConfig({ allowPartial: false })).toBe(true);
    for (const allowPartial of ['true', 1, null]) {
      expect(validateConfig({ allowPartial }), String(allowPartial)).toBe(false);
    }
  });
});
