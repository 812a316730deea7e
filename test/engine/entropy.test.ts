import { describe, expect, it } from 'vitest';
import { shannonEntropy } from '../../src/engine/entropy.js';
import { createRandom, fakeSecret } from '../../src/rules/expand-placeholders.js';

describe('shannonEntropy', () => {
  it('is 0 for empty and single-symbol strings', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
  });

  it('is log2 of the alphabet size for uniform strings', () => {
    expect(shannonEntropy('abab')).toBeCloseTo(1, 10);
    expect(shannonEntropy('0123456789abcdef')).toBeCloseTo(4, 10);
  });

  it('never exceeds 4 bits for hex, so a 40-hex SHA-1 cannot pass a secret floor above 4', () => {
    const random = createRandom(3);
    for (let n = 0; n < 200; n++) {
      let hex = '';
      for (let i = 0; i < 40; i++) hex += '0123456789abcdef'.charAt(Math.floor(random() * 16));
      expect(shannonEntropy(hex)).toBeLessThanOrEqual(4);
    }
  });

  it('puts generated secrets well above the secret rule floor', () => {
    const random = createRandom(5);
    for (let n = 0; n < 200; n++) expect(shannonEntropy(fakeSecret(random))).toBeGreaterThan(4.3);
  });

  it('counts UTF-16 code units, not code points', () => {
    expect(shannonEntropy('🚀')).toBeCloseTo(1, 10);
  });
});
