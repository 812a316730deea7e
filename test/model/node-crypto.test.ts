import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../src/model/node-crypto.js';

describe('nodeCrypto', () => {
  it('is node:crypto itself, loaded once: the same module object every call', () => {
    expect(nodeCrypto()).toBe(nodeCrypto());
    expect(nodeCrypto().createHash).toBe(crypto.createHash);
    expect(nodeCrypto().createHash('sha256').update('abc').digest('hex')).toBe(
      crypto.createHash('sha256').update('abc').digest('hex'),
    );
  });
});
