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

  // Runbooks and wikis write `__AKIA…__` and `_secret_`: the underscores are emphasis there, not
  // part of a name. Only a balanced run after a non-word character is; glued to a word it is not.
  it('finds values in balanced Markdown underscore emphasis, never in snake_case names', () => {
    for (const mark of ['_', '__', '___']) {
      expect(values(`key ${mark}${ID}${mark}.`, KEY), mark).toEqual([ID]);
      expect(values(`${mark}${ID}${mark}`, KEY), mark).toEqual([ID]);
      expect(values(`secret: ${mark}${S}${mark}`, SECRET), mark).toEqual([S]);
    }
    expect(values(`*${ID}*, **${ID}**, \\_${ID}\\_`, KEY)).toEqual([ID, ID, ID]);
    for (const named of [
      `MY_${ID}_SUFFIX`,
      `MY_${ID}`,
      `${ID}_SUFFIX`,
      `a__${ID}__`,
      `__${ID}__b`,
      `__${ID}_`,
      `_${ID}__`,
      `_${ID} = 1`,
      `____${ID}____`,
    ])
      expect(values(named, KEY), named).toEqual([]);
    for (const named of [`x_${S}`, `k=${S}_`, `k=_${S}__`, `cache_${S}_v2`, `__${S}__x`])
      expect(values(named, SECRET), named).toEqual([]);
  });

  // Quoted-printable (e-mail, .mht) writes `=` as `=3D`; C, Python and JSON write it `\x3d` or
  // `\u003d`: each ends in a letter or digit glued to the value, as `%3D` does in a URL.
  it('finds values glued to an escaped "=": =3D, \\x3d, \\x3D, \\u003d and %3D', () => {
    for (const eq of ['=3D', '=3d', '\\x3d', '\\x3D', '\\u003d', '\\u003D', '%3D', '%3d']) {
      expect(values(`aws_access_key_id${eq}${ID}`, KEY), eq).toEqual([ID]);
      expect(values(`aws_secret_access_key${eq}${S}`, SECRET), eq).toEqual([S]);
    }
    expect(values(`"\\n${ID}\\t"`, KEY)).toEqual([ID]);
  });

  it('reads quoted-printable typographic quotes and spaces around a value, not any =XX', () => {
    expect(values(`key: =E2=80=9C${ID}=E2=80=9D`, KEY)).toEqual([ID]);
    expect(values(`key: =E2=80=9C${S}=E2=80=9D`, SECRET)).toEqual([S]);
    expect(values(`key:=C2=A0${ID}`, KEY)).toEqual([ID]);
    expect(values(`key=3D${S}=20`, SECRET)).toEqual([S]);
    // `name=AB…` is a value starting with AB, as likely in any text as an escape: never cut.
    expect(values(`id=AB${ID}`, KEY)).toEqual([]);
    expect(values(`key=AB${S}`, SECRET)).toEqual([]);
    expect(values(`key=3D${S}=3D`, SECRET)).toEqual([]);
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
