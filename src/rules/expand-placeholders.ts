import { shannonEntropy } from '../engine/entropy.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';
const PLACEHOLDER = /\{\{([A-Z0-9_]+)(?:#(\d+))?\}\}/g;

/** A small seeded generator (mulberry32): the same seed gives the same fake keys everywhere. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(random() * alphabet.length));
  return out;
}

/** A fake but format-valid secret: mixed case, a digit, high entropy, like a real one. */
export function fakeSecret(random: () => number): string {
  for (;;) {
    const s = pick(random, BASE64, 40);
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && shannonEntropy(s) >= 4.4) return s;
  }
}

/** A fake key ID in the modern (account-encoding) format: the fifth character is never I or J. */
export function fakeKeyId(random: () => number, prefix: string, bodyLength = 16): string {
  const first = pick(random, BASE32.replace(/[IJ]/g, ''), 1);
  return `${prefix}${first}${pick(random, BASE32, bodyLength - 1)}`;
}

export function fakeSessionToken(random: () => number): string {
  return `IQoJb3JpZ2luX2Vj${pick(random, BASE64, 340)}`;
}

function generate(name: string, random: () => number): string | undefined {
  switch (name) {
    case 'AKIA':
    case 'ASIA':
    case 'ABIA':
    case 'ACCA':
      return fakeKeyId(random, name);
    case 'AIDA':
    case 'AROA':
      return fakeKeyId(random, name, 17);
    case 'SECRET':
    case 'B64_40':
      return fakeSecret(random);
    case 'TOKEN':
      return fakeSessionToken(random);
    case 'HEX40':
      return pick(random, HEX, 40);
    case 'BASE32_15':
      return pick(random, BASE32, 15);
    default:
      return undefined;
  }
}

/**
 * Expands `{{AKIA}}`, `{{SECRET}}`, `{{TOKEN}}`… into deterministic fake values, so rule
 * examples and fixtures never hold a key-shaped literal. `{{SECRET#2}}` is a second, different
 * value; the same placeholder twice is the same value.
 */
export function expandPlaceholders(text: string, seed = 1): string {
  const random = createRandom(seed);
  const memo = new Map<string, string>();
  return text.replace(PLACEHOLDER, (whole, name: string, n: string | undefined) => {
    const key = `${name}#${n ?? ''}`;
    let value = memo.get(key);
    if (value === undefined) {
      value = generate(name, random);
      if (value === undefined) return whole;
      memo.set(key, value);
    }
    return value;
  });
}
