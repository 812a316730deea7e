import { describe, expect, it } from 'vitest';
import { encodedKeywords } from '../../../src/engine/decode/encoded-keywords.js';
import { findEscapedRuns } from '../../../src/engine/decode/find-escaped.js';
import { fakePair } from '../../helpers/fake-keys.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('encodedKeywords', () => {
  const groups = encodedKeywords(['AKIA', 'ASIA', 'ABIA', 'ACCA']);
  const all = groups.flatMap((g) => g.words);
  const holds = (text: string) => all.some((w) => text.includes(w));

  it('has a trace of every prefix in base64, once and twice encoded, at every alignment', () => {
    for (const prefix of ['AKIA', 'ASIA', 'ABIA', 'ACCA']) {
      const id = `${prefix}${fakePair().id.slice(4)}`;
      for (const pad of ['', 'x', 'xy']) {
        expect(holds(b64(`${pad}${id}`)), `${prefix} after ${pad.length}`).toBe(true);
        expect(holds(b64(b64(`${pad}${id}`))), `${prefix} twice after ${pad.length}`).toBe(true);
        expect(holds(b64(`${pad}${b64(id)}`)), `${prefix} twice, inner after ${pad.length}`).toBe(
          true,
        );
      }
    }
  });

  it('has a trace of a hex-escaped first letter and of a plain letter before an escaped one', () => {
    const id = fakePair().id;
    expect(holds(`"\\x41${id.slice(1)}"`)).toBe(true);
    expect(holds(`id=A%4B${id.slice(2)}`)).toBe(true);
    expect(holds(`id=A%4b${id.slice(2)}`)).toBe(true);
    expect(holds(`id=AK%49${id.slice(3)}`)).toBe(true);
    expect(holds(`id=${id.replace('AKIA', 'ABIA').replace('B', '%42')}`)).toBe(true);
  });

  it('stays within what the byte scanner holds beside the rules', () => {
    expect(all.length).toBeLessThanOrEqual(64);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('findEscapedRuns: a plain letter before an escaped one', () => {
  it('decodes A%4BIA… and AK%49A… around the escape', () => {
    const id = fakePair().id;
    for (const written of [`A%4B${id.slice(2)}`, `AK%49${id.slice(3)}`]) {
      const text = `see https://example.com/cb?id=${written}&ok=1 now`;
      const runs = findEscapedRuns(text);
      expect(runs.map((r) => r.text)).toEqual([`https://example.com/cb?id=${id}&ok=1`]);
    }
  });

  it('leaves escapes of punctuation after a capital alone (%2F, %3D, %20)', () => {
    expect(findEscapedRuns('path=A%2FB%3DC%20D')).toEqual([]);
  });
});
