import { describe, expect, it } from 'vitest';
import { decodeAccountId } from '../../src/engine/decode-account.js';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { keyIdForAccount } from '../helpers/fake-sts.js';

describe('decodeAccountId', () => {
  it('decodes the modern-format ID from the published write-ups (aws-facts B3)', () => {
    expect(decodeAccountId('ASIAY34FZKBOKMUTVV7A')).toBe('609629065308');
  });

  it('refuses the documentation examples: legacy IDs whose fifth character is I', () => {
    expect(decodeAccountId('AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
    expect(decodeAccountId('ASIAIOSFODNN7EXAMPLE')).toBeUndefined();
    // Contains 8, which base32 does not have.
    expect(decodeAccountId('AKIAI44QH8DHBEXAMPLE')).toBeUndefined();
  });

  it('refuses legacy IDs starting with J and bodies outside base32', () => {
    const random = createRandom(7);
    const modern = keyIdForAccount(random, 'AKIA', '717712589309');
    expect(decodeAccountId(modern)).toBe('717712589309');
    expect(decodeAccountId(`AKIAJ${modern.slice(5)}`)).toBeUndefined();
    expect(decodeAccountId(`${modern.slice(0, 10)}0${modern.slice(11)}`)).toBeUndefined();
    expect(decodeAccountId(`${modern.slice(0, 10)}1${modern.slice(11)}`)).toBeUndefined();
  });

  it('refuses wrong lengths and lower case', () => {
    const modern = keyIdForAccount(createRandom(8), 'AKIA', '123456789012');
    expect(decodeAccountId(modern.slice(0, 19))).toBeUndefined();
    expect(decodeAccountId(`${modern}A`)).toBeUndefined();
    expect(decodeAccountId(modern.toLowerCase())).toBeUndefined();
    expect(decodeAccountId('')).toBeUndefined();
  });

  it('round-trips accounts encoded into key IDs, including leading zeros and the extremes', () => {
    const random = createRandom(42);
    const accounts = ['000000000001', '052310077262', '999999999999', '123456789012'];
    for (let i = 0; i < 200; i++)
      accounts.push(String(Math.floor(random() * 1e12)).padStart(12, '0'));
    for (const account of accounts) {
      for (const prefix of ['AKIA', 'ASIA']) {
        const keyId = keyIdForAccount(random, prefix, account);
        expect(keyId).toMatch(/^A[A-Z]{3}[A-Z2-7]{16}$/);
        expect(decodeAccountId(keyId)).toBe(account);
      }
    }
  });

  it('refuses bodies whose account bits exceed 12 digits', () => {
    const random = createRandom(4);
    expect(decodeAccountId(keyIdForAccount(random, 'AKIA', '1000000000000'))).toBeUndefined();
    expect(decodeAccountId(keyIdForAccount(random, 'AKIA', '1099511627775'))).toBeUndefined();
  });

  it('ignores the characters after the account bits (no checksum)', () => {
    const keyId = keyIdForAccount(createRandom(3), 'AKIA', '266735846894');
    const changedTail = `${keyId.slice(0, 13)}AAAAAAA`;
    expect(decodeAccountId(changedTail)).toBe('266735846894');
  });
});
