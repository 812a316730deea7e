import { describe, expect, it } from 'vitest';
import { looksGenerated } from '../../src/engine/loose-secrets.js';

describe('looksGenerated', () => {
  // Runs drawn at random that English letter pairs took for words: the masker showed them raw
  // beside a key (found by the line-text property test).
  it('hides base32 runs whose letters happen to pair like English', () => {
    for (const run of [
      'ISMUEAYSGFVSSSOPNOAPM5KO',
      'TO4WFI3EPTYITKNIFXEEIRFI',
      'DCEFC67OPHITFOCLWGQU',
    ]) {
      expect(looksGenerated(run), run).toBe(true);
    }
  });

  it('hides base64 runs with both cases in bulk', () => {
    for (const run of ['cedommauJsTJftYSI+NfWcAI', 'Ean/IpAMPFJ7Kf+/xefthpzm']) {
      expect(looksGenerated(run), run).toBe(true);
    }
  });

  it('keeps names, constants, paths and versions readable', () => {
    for (const run of [
      'MAX_RETRY_COUNT_FOR_UPLOADS',
      'AWS_SECRET_ACCESS_KEY',
      'com.example.MyApplicationController',
      'us-east-1-production-cluster',
      'XMLHttpRequestEventTarget',
      'node_modules/typescript/lib/typescript.js',
    ]) {
      expect(looksGenerated(run), run).toBe(false);
    }
  });
});
