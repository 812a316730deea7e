import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { PACK } from './scan-text.js';

// A finding's line shows only what is needed: whatever else on that line is secret stays hidden,
// however it is written. fast-check builds the lines: which secrets, how named, quoted and
// ordered, and the seeds of the random values (real randomness, not fast-check's small values).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALPHABETS = [
  B64,
  B64URL,
  '0123456789abcdef',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  `${B64URL}.`,
];

function pick(random: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(random() * alphabet.length));
  return out;
}

/** A planted secret: how it is written on the line, and the part that must never be shown. */
interface Planted {
  readonly text: string;
  readonly hidden: string;
}

const PROVIDERS = [
  'xoxb-',
  'xoxp-',
  'ghp_',
  'gho_',
  'github_pat_',
  'sk_live_',
  'rk_live_',
  'AIza',
  'glpat-',
  'sk-',
];

const provider = fc
  .record({ prefix: fc.constantFrom(...PROVIDERS), seed: fc.integer() })
  .map(({ prefix, seed }): Planted => {
    const body = pick(createRandom(seed), B64URL.slice(0, 62), 36);
    return { text: `${prefix}${body}`, hidden: body };
  });

const generated = fc
  .record({
    alphabet: fc.constantFrom(...ALPHABETS),
    length: fc.integer({ min: 24, max: 80 }),
    seed: fc.integer(),
  })
  .map(({ alphabet, length, seed }): Planted => {
    const value = pick(createRandom(seed), alphabet, length);
    return { text: value, hidden: value };
  });

const jwt = fc.integer().map((seed): Planted => {
  const random = createRandom(seed);
  const body = `${pick(random, B64URL, 30)}.${pick(random, B64URL, 43)}`;
  return { text: `eyJhbGciOiJIUzI1NiJ9.${body}`, hidden: body };
});

const privateKey = fc.integer().map((seed): Planted => {
  const body = pick(createRandom(seed), B64, 64);
  return {
    text: `"-----BEGIN RSA PRIVATE KEY-----\\n${body}\\n-----END RSA PRIVATE KEY-----"`,
    hidden: body,
  };
});

// Values after sensitive names may be short and plain: no entropy is needed to be hidden.
const VALUE_CHARS =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%+-./:=?@^_~'.split('');
const plainValue = fc
  .array(fc.constantFrom(...VALUE_CHARS), { minLength: 6, maxLength: 24 })
  .map((chars) => chars.join(''))
  .filter((v) => /[A-Za-z0-9]/.test(v));

const NAMES = [
  'password',
  'passwd',
  'pwd',
  'PASSWORD',
  'db_password',
  'dbPassword',
  'DB_PASS',
  'PGPASSWORD',
  'secret',
  'client_secret',
  'token',
  'auth_token',
  'api_key',
  'apiKey',
  'X-Api-Key',
  'auth',
  'credentials',
  'private_key',
  'session_id',
  'cookie',
];

const named = fc
  .record({
    name: fc.constantFrom(...NAMES),
    sep: fc.constantFrom('=', ': ', ' = ', '=>', ' := '),
    quote: fc.constantFrom('', '"', "'"),
    nameQuoted: fc.boolean(),
    value: plainValue,
  })
  .map(({ name, sep, quote, nameQuoted, value }): Planted => {
    const n = nameQuoted ? `"${name}"` : name;
    return { text: `${n}${sep}${quote}${value}${quote}`, hidden: value };
  });

const otherNamed = fc
  .record({
    form: fc.constantFrom('flag', 'xml', 'bearer'),
    name: fc.constantFrom('password', 'token', 'secret'),
    value: plainValue,
  })
  .map(({ form, name, value }): Planted => {
    if (form === 'flag') return { text: `--${name} ${value}`, hidden: value };
    if (form === 'xml') return { text: `<${name}>${value}</${name}>`, hidden: value };
    return { text: `"Authorization: Bearer ${value}"`, hidden: value };
  });

const urlPassword = fc
  .record({ scheme: fc.constantFrom('https', 'postgres', 'redis', 'amqp'), value: plainValue })
  .filter(({ value }) => !/[/?#@]/.test(value))
  .map(
    ({ scheme, value }): Planted => ({
      text: `${scheme}://deploy:${value}@db.internal:5432/app`,
      hidden: value,
    }),
  );

const planted = fc.oneof(provider, generated, jwt, privateKey, named, otherNamed, urlPassword);

const FILLER = [
  'x = 1',
  'region=us-east-1',
  'enabled: true',
  '# deploy',
  'name="demo"',
  'port 8080',
];

describe('lineText', () => {
  it('never shows a secret written beside a key on the same line', () => {
    fc.assert(
      fc.property(
        fc.array(planted, { minLength: 1, maxLength: 3 }),
        fc.array(fc.constantFrom(...FILLER), { maxLength: 3 }),
        fc.constantFrom(' ', ', ', '; ', ' && ', '\t'),
        fc.integer(),
        (secrets, filler, joiner, seed) => {
          const random = createRandom(seed);
          const id = fakeKeyId(random, 'AKIA');
          const secret = fakeSecret(random);
          const parts = [
            `aws_access_key_id=${id}`,
            `aws_secret_access_key=${secret}`,
            ...secrets.map((s) => s.text),
            ...filler,
          ];
          // A fixed shuffle from the seed: the key, its secret and the others in any order.
          for (let i = parts.length - 1; i > 0; i--) {
            const j = Math.floor(random() * (i + 1));
            [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
          }
          const line = parts.join(joiner);
          const bare = [
            `aws_access_key_id=${id}`,
            `aws_secret_access_key=${secret}`,
            ...filler,
          ].join(joiner);
          // A value that also occurs in the rest of the line cannot tell a leak from the rest.
          fc.pre(secrets.every((s) => !bare.includes(s.hidden)));
          const findings = detectChunk(
            { source: 'tree', path: 'p.env', text: `${line}\n` },
            PACK,
            EMPTY_ENGINE_ALLOWLIST,
          );
          expect(findings.length).toBeGreaterThan(0);
          for (const f of findings) {
            for (const v of [id, secret, ...secrets.map((s) => s.hidden)]) {
              expect(f.lineText, `${line}\n→ ${f.lineText}`).not.toContain(v);
            }
            // Still useful: the names around the values stay readable.
            expect(f.lineText).toMatch(/aws_(?:access_key_id|secret_access_key)=/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
