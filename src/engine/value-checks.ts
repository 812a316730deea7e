import type { RuleKind } from '../model/rule.js';
import { shannonEntropy } from './entropy.js';

const HEX_ONLY = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** True when most neighbouring characters step by one (ABCDEF…, 123456…): typed placeholders. */
export function isSequential(value: string): boolean {
  if (value.length < 8) return false;
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d === 1 || d === -1) steps++;
  }
  if (steps / (value.length - 1) > 0.5) return true;
  return BASE32.includes(value.slice(-12)) || BASE32.includes(value.slice(0, 12));
}

/**
 * Structural checks beyond the regex, per kind: entropy, character mix and shape.
 * They reject what cannot be a generated AWS value (hashes, words, placeholders).
 */
export function isPlausibleValue(kind: RuleKind, value: string, minEntropy: number): boolean {
  if (shannonEntropy(value) < minEntropy) return false;
  switch (kind) {
    case 'key-id':
    case 'identifier':
      return !isSequential(value.slice(4));
    case 'secret':
      // SHA-1s and other hex digests; real secrets mix cases and (almost always) digits or + /.
      if (HEX_ONLY.test(value)) return false;
      if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9+/]/.test(value)) return false;
      return !isSequential(value);
    case 'session-token':
      return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value);
    case 'pair':
      return true;
  }
}
