import { describe, expect, it } from 'vitest';
import { base64Fingerprints } from '../../../src/engine/decode/base64-fingerprints.js';

describe('base64Fingerprints', () => {
  it('gives the fixed characters of a word at each of the three alignments', () => {
    expect(base64Fingerprints('AKIA')).toEqual([
      { text: 'QUtJQ', phase: 0 },
      { text: 'FLSU', phase: 2 },
      { text: 'BS0lB', phase: 3 },
    ]);
  });

  it('each fingerprint occurs in the base64 of the word after any prefix, at its phase', () => {
    const fps = base64Fingerprints('ASIA');
    for (const before of ['', 'x', 'xy', 'xyz', '\u00ff\u0000', 'AWS:']) {
      for (const after of ['', '0', 'QWERTY']) {
        const bytes = Buffer.concat([Buffer.from(before, 'latin1'), Buffer.from(`ASIA${after}`)]);
        const encoded = bytes.toString('base64');
        const hit = fps.find((f) => {
          const at = encoded.indexOf(f.text);
          return at !== -1 && at % 4 === f.phase;
        });
        expect(hit, `${JSON.stringify(before)} + ASIA + ${after}`).toBeDefined();
      }
    }
  });

  it('adds the base64url spelling when a fingerprint holds + or /', () => {
    const fps = base64Fingerprints('\u00fb\u00ff');
    const texts = fps.map((f) => f.text);
    expect(texts.some((t) => /[+/]/.test(t))).toBe(true);
    expect(texts.some((t) => /[-_]/.test(t))).toBe(true);
  });
});
