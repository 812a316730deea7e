import { describe, expect, it } from 'vitest';
import {
  isPlausibleValue,
  isSequential,
  isWordLike,
  isWordy,
} from '../../src/engine/value-checks.js';
import {
  createRandom,
  fakeKeyId,
  fakeSecret,
  fakeSessionToken,
} from '../../src/rules/expand-placeholders.js';
import { PACK } from './scan-text.js';

const minEntropy = (id: string) => PACK.rules.find((r) => r.id === id)?.minEntropy ?? 0;
const KEY_MIN = minEntropy('aws-access-key-id');
const SECRET_MIN = minEntropy('aws-secret-access-key');

describe('isSequential', () => {
  it.each([
    'ABCDEFGHIJKLMNOP',
    '1234567890ABCDEF',
    'abcdefghijklmnopqrstuvwxyz0123456789ABCD',
    'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd',
    'QWERTYUIOPASDFGH',
  ])('flags typed runs: %s', (v) => {
    expect(isSequential(v)).toBe(true);
  });

  it('does not flag random values', () => {
    const random = createRandom(1);
    for (let i = 0; i < 2000; i++) expect(isSequential(fakeSecret(random))).toBe(false);
  });
});

describe('isWordLike / isWordy', () => {
  it('flags key-ID bodies made of English words', () => {
    for (const body of ['PACIFICSOUTHEAST', 'NCUISINEMENUITEM', 'PRODUCTIONSERVER']) {
      expect(isWordLike(body), body).toBe(true);
    }
    expect(isWordLike('PACIFICREGIONS27')).toBe(false);
  });

  it('flags secrets written as prose', () => {
    expect(isWordy('ThisIsNotARealSecretKeyJustAPlaceholder1')).toBe(true);
    expect(isWordy('ReplaceThisWithYourOwnAwsSecretAccessKey')).toBe(true);
    expect(isWordy('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(false);
  });
});

describe('isPlausibleValue', () => {
  it('rejects hex digests, single-case and digit-free secrets', () => {
    expect(isPlausibleValue('secret', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', SECRET_MIN)).toBe(
      false,
    );
    expect(isPlausibleValue('secret', 'abcdefghijklmnopqrstuvwxyz0123456789abcd', 0)).toBe(false);
    expect(isPlausibleValue('secret', 'AbcdefghijklmnopqrstuvwxyzAbcdefghijklmn', 0)).toBe(false);
  });

  it('rejects low-entropy key IDs (AKIAXXXXXXXXXXXXXXXX, repeated blocks)', () => {
    for (const id of ['AKIAXXXXXXXXXXXXXXXX', 'AKIAABCDABCDABCDABCD', 'AKIA2222333344445555']) {
      expect(isPlausibleValue('key-id', id, KEY_MIN), id).toBe(false);
    }
  });

  // The fake-value generators draw like AWS does; a rejection here is a missed real key.
  it('accepts 20,000 generated key IDs, secrets and tokens', () => {
    const random = createRandom(2024);
    let rejected = 0;
    for (let i = 0; i < 20_000; i++) {
      if (!isPlausibleValue('key-id', fakeKeyId(random, 'AKIA'), KEY_MIN)) rejected++;
      if (!isPlausibleValue('secret', fakeSecret(random), SECRET_MIN)) rejected++;
      if (i % 20 === 0 && !isPlausibleValue('session-token', fakeSessionToken(random), 4.5)) {
        rejected++;
      }
    }
    expect(rejected).toBeLessThanOrEqual(2);
  });
});
