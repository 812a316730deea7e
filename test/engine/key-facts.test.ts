import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import accounts from '../../rules/aws-accounts.json' with { type: 'json' };
import schema from '../../rules/aws-accounts.schema.json' with { type: 'json' };
import { canaryGroupOf, keyFactsFor } from '../../src/engine/key-facts.js';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { keyIdForAccount } from '../helpers/fake-sts.js';

// aws-facts.md B4.
const THINKST = [
  '052310077262',
  '171436882533',
  '534261010715',
  '595918472158',
  '717712589309',
  '819147034852',
  '992382622183',
  '730335385048',
  '266735846894',
  '893192397702',
];
const OFF_BRAND = [
  '044858866125',
  '251535659677',
  '344043088457',
  '351906852752',
  '390477818340',
  '426127672474',
  '427150556519',
  '439872796651',
  '445142720921',
  '465867158099',
  '637958123769',
  '693412236332',
  '732624840810',
  '735421457923',
  '959235150393',
  '982842642351',
];

describe('rules/aws-accounts.json', () => {
  it('is valid against its schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(schema);
    expect(validate(accounts), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects malformed account IDs and unknown properties', () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const group = { id: 'x', kind: 'canary', title: 'x', accounts: ['12345'] };
    expect(validate({ version: 1, groups: [group] })).toBe(false);
    expect(
      validate({ version: 1, groups: [{ ...group, accounts: ['123456789012'], extra: 1 }] }),
    ).toBe(false);
    expect(validate({ version: 1, groups: [{ ...group, accounts: ['123456789012'] }] })).toBe(true);
  });

  it('lists every canary account of the research notes, each in the right group', () => {
    for (const account of THINKST) expect(canaryGroupOf(account)?.id).toBe('thinkst-canarytokens');
    for (const account of OFF_BRAND) expect(canaryGroupOf(account)?.id).toBe('off-brand-canaries');
    expect(canaryGroupOf('123456789012')).toBeUndefined();
  });
});

describe('keyFactsFor', () => {
  it('gives prefix and decoded account for a modern key', () => {
    expect(keyFactsFor('ASIAY34FZKBOKMUTVV7A')).toEqual({
      prefix: 'ASIA',
      account: '609629065308',
    });
  });

  it('gives only the prefix for a legacy key ID', () => {
    expect(keyFactsFor('AKIAIOSFODNN7EXAMPLE')).toEqual({ prefix: 'AKIA' });
  });

  it('flags keys of canary accounts', () => {
    const random = createRandom(11);
    for (const account of [...THINKST, ...OFF_BRAND]) {
      expect(keyFactsFor(keyIdForAccount(random, 'AKIA', account))).toEqual({
        prefix: 'AKIA',
        account,
        canary: true,
      });
    }
  });

  it('does not flag ordinary accounts', () => {
    const facts = keyFactsFor(keyIdForAccount(createRandom(12), 'AKIA', '123456789012'));
    expect(facts.canary).toBeUndefined();
    expect(facts.account).toMatch(/^\d{12}$/);
  });
});
