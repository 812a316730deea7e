import { describe, expect, it } from 'vitest';
import { findMatches, normalizeValue } from '../../src/engine/match.js';
import type { CompiledRule } from '../../src/model/rule.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { PACK } from './scan-text.js';

function rule(id: string): CompiledRule {
  const found = PACK.rules.find((r) => r.id === id);
  if (found === undefined) throw new Error(id);
  return found;
}

const KEY = rule('aws-access-key-id');
const SECRET = rule('aws-secret-access-key');
const random = createRandom(99);
const ID = fakeKeyId(random, 'AKIA');
let S = fakeSecret(random);
while (!S.includes('/')) S = fakeSecret(random);

const values = (text: string, r: CompiledRule) => findMatches(text, r).map((m) => m.value);

describe('normalizeValue', () => {
  it('undoes JSON slash escapes and URL encoding of + / =', () => {
    expect(normalizeValue('ab\\/cd%2Bef%2fgh%3D')).toBe('ab/cd+ef/gh=');
    expect(normalizeValue('plain')).toBe('plain');
  });
});

describe('findMatches', () => {
  it('reports the span as written and the value as AWS would read it', () => {
    const escaped = S.replace(/\//g, '\\/');
    const text = `{"secretAccessKey":"${escaped}"}`;
    const [m] = findMatches(text, SECRET);
    expect(m?.value).toBe(S);
    expect(text.slice(m?.start, m?.end)).toBe(escaped);
    const encoded = S.replace(/\//g, '%2F').replace(/\+/g, '%2B');
    expect(values(`s3://${ID}:${encoded}@bucket`, SECRET)).toEqual([S]);
  });

  it('finds key IDs word-bounded, after \\n escapes and URL-encoded delimiters', () => {
    expect(values(`id=${ID};`, KEY)).toEqual([ID]);
    expect(values(`"creds:\\n${ID}\\n"`, KEY)).toEqual([ID]);
    expect(values(`Credential%3D${ID}%2F20240301`, KEY)).toEqual([ID]);
    expect(values(`X${ID}`, KEY)).toEqual([]);
    expect(values(`${ID}X`, KEY)).toEqual([]);
    expect(values(ID.toLowerCase(), KEY)).toEqual([]);
  });

  it('requires the base32 body of modern key IDs', () => {
    expect(values('AKIAQ1234567890ABCDE', KEY)).toEqual([]);
  });

  it('takes exactly 40 characters: never a slice of a longer run', () => {
    expect(values(`k=${S}`, SECRET)).toEqual([S]);
    expect(values(`k=${S}A`, SECRET)).toEqual([]);
    expect(values(`k=A${S}`, SECRET)).toEqual([]);
    expect(values(`k=${S}==`, SECRET)).toEqual([]);
    expect(values(`k=_${S}`, SECRET)).toEqual([]);
  });

  it('skips dotted segments (JWT parts) but keeps a value at a sentence end', () => {
    expect(values(`t=eyJhbGciOiJIUzI1NiJ9.${S}.sig`, SECRET)).toEqual([]);
    expect(values(`the key is ${S}.`, SECRET)).toEqual([S]);
  });

  it('runs only inside the given regions, reporting chunk offsets', () => {
    const text = `a=${S}\nb=${S}`;
    const second = text.lastIndexOf(S);
    const found = findMatches(text, SECRET, [{ start: second - 2, end: text.length }]);
    expect(found.map((m) => m.start)).toEqual([second]);
  });
});
