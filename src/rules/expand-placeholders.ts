import { shannonEntropy } from '../engine/entropy.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';
const PLACEHOLDER = /\{\{([A-Z0-9_]+)(?:#(\d+))?(?:\|(url|json))?\}\}/g;
/** `{"alg":"HS256","typ":"JWT"}`: the header almost every JWT starts with. */
const JWT_HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';

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

/** A JWT-shaped value whose payload segment is exactly 40 characters: a hard case for secret rules. */
function fakeJwt(random: () => number): string {
  return `${JWT_HEADER}.${pick(random, BASE64URL.slice(0, 62), 40)}.${pick(random, BASE64URL, 43)}`;
}

function fakeUuid(random: () => number): string {
  const h = pick(random, HEX, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
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
    case 'HEX64':
      return pick(random, HEX, 64);
    case 'BASE32_15':
      return pick(random, BASE32, 15);
    case 'JWT':
      return fakeJwt(random);
    case 'UUID':
      return fakeUuid(random);
    default:
      return undefined;
  }
}

/** How a value is written: `url` percent-encodes `+ / =`, `json` escapes `/` as `\/`. */
function encode(value: string, how: string | undefined): string {
  if (how === 'url')
    return value.replace(/[+/=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (how === 'json') return value.replace(/\//g, '\\/');
  return value;
}

export interface Expansion {
  readonly text: string;
  /** Every generated raw value (before encoding), so tests can check none leaks into output. */
  readonly values: readonly string[];
}

/** Like `expandPlaceholders`, and also returns the generated values. */
export function expandPlaceholdersWithValues(text: string, seed = 1): Expansion {
  const random = createRandom(seed);
  const memo = new Map<string, string>();
  const expanded = text.replace(
    PLACEHOLDER,
    (whole, name: string, n: string | undefined, how: string | undefined) => {
      const key = `${name}#${n ?? ''}`;
      let value = memo.get(key);
      if (value === undefined) {
        value = generate(name, random);
        if (value === undefined) return whole;
        memo.set(key, value);
      }
      return encode(value, how);
    },
  );
  return { text: expanded, values: [...memo.values()] };
}

/**
 * Expands `{{AKIA}}`, `{{SECRET}}`, `{{TOKEN}}`… into deterministic fake values, so rule
 * examples and fixtures never hold a key-shaped literal. `{{SECRET#2}}` is a second, different
 * value; the same placeholder twice is the same value; `{{SECRET|url}}` and `{{SECRET|json}}`
 * write the same value URL-encoded or with JSON-escaped slashes.
 */
export function expandPlaceholders(text: string, seed = 1): string {
  return expandPlaceholdersWithValues(text, seed).text;
}
