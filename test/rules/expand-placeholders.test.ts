import { describe, expect, it } from 'vitest';
import {
  expandPlaceholders,
  expandPlaceholdersWithValues,
} from '../../src/rules/expand-placeholders.js';

describe('expandPlaceholders', () => {
  it('writes pieces of a value with slice', () => {
    const { text, values } = expandPlaceholdersWithValues('{{AKIA|slice:0:4}}+{{AKIA|slice:4}}', 3);
    expect(text.replace('+', '')).toBe(values[0]);
    expect(text.split('+')[0]).toBe('AKIA');
  });

  it('encodes blocks, innermost first', () => {
    const { text, values } = expandPlaceholdersWithValues(
      'x={{enc:base64}}id={{AKIA}};auth={{enc:base64}}{{AKIA}}:{{SECRET}}{{/enc}}{{/enc}}',
      5,
    );
    const [id, secret] = values as [string, string];
    const outer = Buffer.from(text.slice(2), 'base64').toString();
    expect(outer.startsWith(`id=${id};auth=`)).toBe(true);
    expect(Buffer.from(outer.slice(outer.indexOf('auth=') + 5), 'base64').toString()).toBe(
      `${id}:${secret}`,
    );
  });

  it.each([
    ['url-all', 'AB', '%41%42'],
    ['uesc', 'AB', '\\u0041\\u0042'],
    ['uesc-brace', 'AB', '\\u{41}\\u{42}'],
    ['html-dec', 'AB', '&#65;&#66;'],
    ['html-hex', 'A/', '&#x41;&#x2f;'],
    ['json-string', 'a"b', 'a\\"b'],
    ['base64url', '??>', 'Pz8-'],
    ['hex', 'AB', '4142'],
  ])('writes %s', (encoding, input, output) => {
    expect(expandPlaceholders(`{{enc:${encoding}}}${input}{{/enc}}`)).toBe(output);
  });

  it('wraps base64 at 76 characters and writes JWT payloads', () => {
    const long = expandPlaceholders(`{{enc:base64-wrap}}${'x'.repeat(100)}{{/enc}}`);
    expect(long.split('\n').map((l) => l.length)).toEqual([76, 60]);
    const jwt = expandPlaceholders('{{enc:jwt}}{"sub":"me"}{{/enc}}').split('.');
    expect(jwt).toHaveLength(3);
    expect(Buffer.from(jwt[1] ?? '', 'base64url').toString()).toBe('{"sub":"me"}');
  });

  it('leaves unknown, unclosed and runaway blocks as written (examples come from user packs)', () => {
    expect(expandPlaceholders('{{enc:rot13}}abc{{/enc}}')).toBe('{{enc:rot13}}abc{{/enc}}');
    expect(expandPlaceholders('{{enc:base64}}abc')).toBe('{{enc:base64}}abc');
    const bomb = `${'{{enc:uesc}}'.repeat(12)}x${'{{/enc}}'.repeat(12)}`;
    expect(expandPlaceholders(bomb).length).toBeLessThan(2 << 20);
  });
});
