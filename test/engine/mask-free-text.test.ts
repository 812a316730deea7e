import { describe, expect, it } from 'vitest';
import { maskFreeText } from '../../src/engine/mask-free-text.js';
import { fakeCredentials } from '../helpers/git-repo.js';

describe('maskFreeText', () => {
  it('leaves ordinary names and addresses as they are', () => {
    for (const text of [
      'Ada Lovelace',
      'ada@example.invalid',
      'Renée Ø. Łukasz-Smith',
      'Jean-Christophe Oppenheimer-Dupont',
      'john.smith1987@example.invalid',
      'dependabot[bot]',
      '',
      'AKIA',
    ]) {
      expect(maskFreeText(text)).toBe(text);
    }
  });

  it('shows a key ID as reports do and hides a secret, glued to other text or not', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = fakeCredentials(seed);
      const shownId = `${c.keyId.slice(0, 4)}${'*'.repeat(12)}${c.keyId.slice(-4)}`;
      for (const text of [
        `aws_access_key_id = ${c.keyId} aws_secret_access_key = ${c.secret}`,
        `name${c.keyId}${c.secret}`,
        `${c.keyId}@example.invalid`,
        `x ${c.secret} y`,
        // In pieces, escaped, or with a secret's letters joined by its punctuation.
        `"${c.keyId.slice(0, 4)}" + "${c.keyId.slice(4)}"@x.invalid`,
        `&#65;${c.keyId.slice(1)} ${c.secret.toLowerCase().replace(/[^a-z]/g, '/')}`,
      ]) {
        const masked = maskFreeText(text);
        expect(masked).not.toContain(c.keyId);
        expect(masked).not.toContain(c.keyId.slice(4));
        expect(masked).not.toContain(c.secret);
        expect(masked).not.toContain(c.secret.toLowerCase().replace(/[^a-z]/g, '/'));
        // No run of 12 characters of the secret survives.
        for (let i = 0; i + 12 <= c.secret.length; i++) {
          expect(masked).not.toContain(c.secret.slice(i, i + 12));
        }
        if (text.includes(` ${c.keyId} `) || text.startsWith(c.keyId)) {
          expect(masked).toContain(shownId);
        }
        expect(masked.length).toBe(text.length);
      }
    }
  });
});
