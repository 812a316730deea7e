import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { LinearRegExp } from '../../src/schema/linear-regexp.js';
import { userRegexProblem } from '../../src/schema/user-regex.js';
import { loadUserRegexEngine } from '../../src/schema/user-regex-engine.js';

beforeAll(async () => {
  await loadUserRegexEngine();
});

/** Patterns in the subset both engines run, with JavaScript's meaning kept. */
const PATTERNS = [
  'ab',
  'a|b|',
  'a*',
  'a+?b',
  '(a)(b)?c',
  '(?:ab|a)(c)?',
  '(?<key>[A-Z]{4})-(?<value>\\d+)',
  '^\\s*x\\s*$',
  '\\bword\\b',
  '\\Bor',
  '[^\\s]+',
  '[\\S]+',
  '[\\d\\W]',
  '.+',
  '[^]',
  '[]',
  '\\u00e9|\\x41|\\cA|\\0|\\t',
  '[\\]\\-^]',
  'x{,3}',
  'a{2,4}?',
  '(a|ab)(c|bcd)(d*)',
  '(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+=]{8})(?:$|[^A-Za-z0-9/+=])',
  'secret\\s*[:=]\\s*["\']?([A-Za-z0-9/+=]{6,})',
];

const ALPHABET = [
  'a',
  'b',
  'c',
  'd',
  'A',
  'Z',
  '1',
  '9',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u2028',
  '\u00a0',
  '-',
  '=',
  ':',
  '"',
  '/',
  '+',
  'é',
  'x',
  '\u00e9',
  '\u0001',
  '\0',
  ']',
  '^',
];

function randomText(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return s;
}

function shape(m: RegExpExecArray | null) {
  if (m === null) return null;
  return {
    values: [...m],
    index: m.index,
    groups: m.groups === undefined ? undefined : { ...m.groups },
    indices: m.indices === undefined ? undefined : [...m.indices],
  };
}

describe('LinearRegExp', () => {
  it('accepts every pattern of the corpus', () => {
    for (const p of PATTERNS) expect(userRegexProblem(p, 'dg'), p).toBeUndefined();
  });

  it('answers exactly like RegExp: exec, matchAll with indices, test, replace, split', () => {
    const random = createRandom(5);
    for (const source of PATTERNS) {
      for (const flags of ['', 'i', 'dg', 's', 'y', 'g']) {
        const js = new RegExp(source, flags);
        const linear = new LinearRegExp(source, flags);
        for (let n = 0; n < 60; n++) {
          const text = `${randomText(random, Math.floor(random() * 12))}${n % 3 === 0 ? 'secret = "AbCd/+1234"' : ''}${randomText(random, 6)}`;
          const at = `${source} /${flags} on ${JSON.stringify(text)}`;
          js.lastIndex = linear.lastIndex = Math.floor(random() * 4);
          expect(shape(linear.exec(text)), at).toEqual(shape(js.exec(text)));
          expect(linear.lastIndex, at).toBe(js.lastIndex);
          js.lastIndex = linear.lastIndex = 0;
          expect(linear.test(text), at).toBe(js.test(text));
          if (flags.includes('g')) {
            expect([...text.matchAll(linear)].map(shape), at).toEqual(
              [...text.matchAll(js)].map(shape),
            );
            expect(text.replace(linear, '<$&>'), at).toBe(text.replace(js, '<$&>'));
          }
          expect(text.split(linear), at).toEqual(text.split(js));
        }
      }
    }
  });

  it('matches case-insensitively with the i flag', () => {
    expect(new LinearRegExp('aws_secret', 'i').test('AWS_Secret = x')).toBe(true);
    expect(new LinearRegExp('[a-c]+', 'i').exec('xxABcx')?.[0]).toBe('ABc');
  });

  it('refuses what has no linear-time meaning, saying what without quoting the pattern', () => {
    const cases: [string, RegExp][] = [
      ['(a)\\1', /backreference/],
      ['(?<n>a)\\k<n>', /backreference/],
      ['(?=a)b', /lookahead or lookbehind/],
      ['(?<![A-Z])AKIA', /lookahead or lookbehind/],
      ['a{1001}', /repetition count over 1000/],
      ['(?<a$b>x)', /capture group name/],
    ];
    for (const [source, reason] of cases) {
      const problem = userRegexProblem(source, '') ?? '';
      expect(problem, source).toMatch(reason);
      expect(problem, source).toMatch(/linear-time engine/);
      expect(problem).not.toContain(source);
    }
    expect(userRegexProblem('a(', '')).toBe('invalid regular expression (Unterminated group)');
  });
});
