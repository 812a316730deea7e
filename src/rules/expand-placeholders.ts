import { shannonEntropy } from '../engine/entropy.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';
const PLACEHOLDER = /\{\{([A-Z0-9_]+)(?:#(\d+))?((?:\|(?:url|json|slice:\d+(?::\d+)?))*)\}\}/g;
/** `{{enc:base64}}…{{/enc}}`: the text between, placeholders expanded, written in an encoding. */
const BLOCK_OPEN = /\{\{enc:([a-z0-9-]+)\}\}/g;
const BLOCK_CLOSE = '{{/enc}}';
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

/**
 * How a value is written, modifiers in order: `url` percent-encodes `+ / =`, `json` escapes `/` as
 * `\/`, `slice:A:B` keeps characters A to B (a piece of a split key).
 */
function encode(value: string, modifiers: string): string {
  let out = value;
  for (const how of modifiers.split('|')) {
    if (how === 'url')
      out = out.replace(/[+/=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    else if (how === 'json') out = out.replace(/\//g, '\\/');
    else if (how.startsWith('slice:')) {
      const [, from, to] = how.split(':');
      out = out.slice(Number(from), to === undefined ? undefined : Number(to));
    }
  }
  return out;
}

const hex2 = (code: number) => code.toString(16).toUpperCase().padStart(2, '0');

/** Every character as an escape: `\uXXXX`, `\u{XX}`, `&#NN;`, `&#xXX;`, `%XX`. */
function escapeEach(text: string, write: (code: number) => string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += write(text.charCodeAt(i));
  return out;
}

/**
 * Text written in one of the encodings a key may hide in (test fixtures and rule examples):
 * `base64`, `base64url` (no padding), `base64-wrap` (76 characters a line, as `base64` prints),
 * `url` (encodeURIComponent), `url-all` (every byte `%XX`), `uesc` (`\u0041`), `uesc-brace`
 * (`\u{41}`), `html-dec` (`&#65;`), `html-hex` (`&#x41;`), `json-string` (JSON string escapes,
 * no quotes), `jwt` (the text as the payload of a JWT with a fixed header), `hex`.
 */
function encodeBlock(text: string, encoding: string, random: () => number): string {
  const bytes = Buffer.from(text, 'utf8');
  switch (encoding) {
    case 'base64':
      return bytes.toString('base64');
    case 'base64url':
      return bytes.toString('base64url');
    case 'base64-wrap':
      return bytes.toString('base64').replace(/.{76}(?=.)/g, '$&\n');
    case 'url':
      return encodeURIComponent(text);
    case 'url-all':
      return [...bytes].map((b) => `%${hex2(b)}`).join('');
    case 'uesc':
      return escapeEach(text, (c) => `\\u${c.toString(16).padStart(4, '0')}`);
    case 'uesc-brace':
      return escapeEach(text, (c) => `\\u{${c.toString(16)}}`);
    case 'html-dec':
      return escapeEach(text, (c) => `&#${c};`);
    case 'html-hex':
      return escapeEach(text, (c) => `&#x${c.toString(16)};`);
    case 'json-string':
      return JSON.stringify(text).slice(1, -1);
    case 'jwt':
      return `${JWT_HEADER}.${bytes.toString('base64url')}.${pick(random, BASE64URL, 43)}`;
    default:
      return bytes.toString('hex');
  }
}

/** Expanded blocks stop growing here: nested escapes multiply a text's length at every level. */
const MAX_BLOCK_OUTPUT = 1 << 20;
const ENCODINGS = new Set([
  'base64',
  'base64url',
  'base64-wrap',
  'url',
  'url-all',
  'uesc',
  'uesc-brace',
  'html-dec',
  'html-hex',
  'json-string',
  'jwt',
  'hex',
]);

/**
 * Encodes every `{{enc:…}}…{{/enc}}` block, innermost first (the last opener's first closer is
 * its own). A block with an unknown encoding, no closer, or an output past MAX_BLOCK_OUTPUT is
 * left as written, like an unknown placeholder: examples come from user packs too.
 */
function encodeBlocks(text: string, random: () => number): string {
  const openers = [...text.matchAll(BLOCK_OPEN)];
  let out = text;
  for (let i = openers.length - 1; i >= 0; i--) {
    const open = openers[i] as RegExpExecArray;
    const encoding = open[1] as string;
    const from = open.index + open[0].length;
    const close = out.indexOf(BLOCK_CLOSE, from);
    if (close === -1 || !ENCODINGS.has(encoding)) continue;
    const inner = encodeBlock(out.slice(from, close), encoding, random);
    if (out.length - (close - open.index) + inner.length > MAX_BLOCK_OUTPUT) continue;
    out = out.slice(0, open.index) + inner + out.slice(close + BLOCK_CLOSE.length);
  }
  return out;
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
    (whole, name: string, n: string | undefined, how: string) => {
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
  return { text: encodeBlocks(expanded, random), values: [...memo.values()] };
}

/**
 * Expands `{{AKIA}}`, `{{SECRET}}`, `{{TOKEN}}`… into deterministic fake values, so rule
 * examples and fixtures never hold a key-shaped literal. `{{SECRET#2}}` is a second, different
 * value; the same placeholder twice is the same value; `{{SECRET|url}}` and `{{SECRET|json}}`
 * write the same value URL-encoded or with JSON-escaped slashes, `{{AKIA|slice:0:4}}` a piece of
 * it; `{{enc:base64}}…{{/enc}}` writes the text between in an encoding (see `encodeBlock`).
 */
export function expandPlaceholders(text: string, seed = 1): string {
  return expandPlaceholdersWithValues(text, seed).text;
}
