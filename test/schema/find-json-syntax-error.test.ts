import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { findJsonSyntaxError } from '../../src/schema/find-json-syntax-error.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const SAMPLE = JSON.stringify(
  {
    $schema: './schemas/config.schema.json',
    maxFileSize: 1048576,
    ratio: -1.5e-3,
    failOn: 'high',
    flags: [true, false, null, [], {}],
    allowlist: {
      regexes: [{ pattern: '^EXAMPLE\\d+$', reason: 'docs "quoted" \u00e9 \ud83d\ude00' }],
    },
  },
  null,
  2,
);

describe('findJsonSyntaxError', () => {
  it('agrees with JSON.parse on what is JSON', () => {
    const cases = [
      '',
      ' ',
      '{}',
      '[]',
      '0',
      '-0',
      '01',
      '1.',
      '.5',
      '1e',
      '1e+5',
      '"\\u00e9"',
      '"\\u00g9"',
      '"\\x41"',
      '"tab\there"',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      "{'a':1}",
      '{"a":1}}',
      '[1 2]',
      'tru',
      'nulls',
      '{"a":{"b":[1,{"c":"d"}]}}',
      SAMPLE,
    ];
    for (const text of cases) {
      expect(findJsonSyntaxError(text) === undefined, JSON.stringify(text)).toBe(parses(text));
    }
  });

  it('agrees with JSON.parse on thousands of damaged configs', () => {
    const random = createRandom(77);
    const alphabet = '{}[]":,\\ \n\t-+.eE0123456789abcdeftrunl\u0001';
    for (let n = 0; n < 3000; n++) {
      const chars = [...SAMPLE];
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * chars.length);
        const kind = random();
        const c = alphabet[Math.floor(random() * alphabet.length)] ?? ' ';
        if (kind < 0.4) chars.splice(at, 1);
        else if (kind < 0.7) chars.splice(at, 0, c);
        else chars[at] = c;
      }
      const text = chars.join('');
      expect(findJsonSyntaxError(text) === undefined, text).toBe(parses(text));
    }
  });

  it('points at the first bad character', () => {
    expect(findJsonSyntaxError('{\n  "a": x\n}')).toEqual({
      index: 9,
      reason: 'expected a value (unquoted text?)',
    });
    expect(findJsonSyntaxError('{"a": "abc')).toEqual({ index: 6, reason: 'unterminated string' });
    expect(findJsonSyntaxError('[1,]')?.reason).toBe("trailing comma before ']'");
  });

  it('survives nesting deep enough to overflow a recursive parser', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(199_999)}`;
    expect(findJsonSyntaxError(deep)?.reason).toBe('unexpected end of input');
  });
});
