import { describe, expect, it } from 'vitest';
import { createLineIndex } from '../../src/engine/line-index.js';
import type { RawMatch } from '../../src/engine/match.js';
import { pairMatches, type SecretNaming } from '../../src/engine/pair.js';
import type { CompiledRule } from '../../src/model/rule.js';
import { PACK } from './scan-text.js';

function rule(id: string): CompiledRule {
  const found = PACK.rules.find((r) => r.id === id);
  if (found === undefined) throw new Error(id);
  return found;
}

const KEY = rule('aws-access-key-id');
const TEMP = rule('aws-temporary-access-key-id');
const SECRET = rule('aws-secret-access-key');

/** Matches for every `K…`/`T…`/`S…` token (K1, S2, T1) in `text`; the value is the token itself. */
function matchesIn(text: string): RawMatch[] {
  return [...text.matchAll(/\b([KST])\d+\b/g)].map((m) => ({
    rule: m[1] === 'K' ? KEY : m[1] === 'T' ? TEMP : SECRET,
    start: m.index,
    end: m.index + m[0].length,
    value: m[0],
  }));
}

function pairsIn(text: string, naming?: Record<string, SecretNaming>): string[] {
  const { pairs } = pairMatches(
    matchesIn(text),
    PACK.pairs,
    createLineIndex(text),
    naming === undefined ? undefined : (m) => naming[m.value] ?? 'plain',
    text,
  );
  return pairs.map((p) => `${p.pair.id}:${p.keyId.value}+${p.secret.value}`).sort();
}

describe('pairMatches', () => {
  it('pairs three profiles into three pairs, not nine', () => {
    const text =
      '[a]\nid = K1\nsecret = S1\n\n[b]\nid = K2\nsecret = S2\n\n[c]\nid = K3\nsecret = S3\n';
    expect(pairsIn(text)).toEqual([
      'aws-access-key-pair:K1+S1',
      'aws-access-key-pair:K2+S2',
      'aws-access-key-pair:K3+S3',
    ]);
  });

  it('uses each match once and leaves the rest unpaired', () => {
    const text = 'K1 S1\nK2\n';
    const result = pairMatches(matchesIn(text), PACK.pairs, createLineIndex(text));
    expect(result.pairs).toHaveLength(1);
    expect(result.unpaired.map((m) => m.value)).toEqual(['K2']);
  });

  it('pairs temporary key IDs under the temporary pair rule', () => {
    expect(pairsIn('T1\nS1\n')).toEqual(['aws-temporary-credential-pair:T1+S1']);
  });

  it('keeps unlabelled secrets inside the pack window', () => {
    expect(pairsIn(`K1${'\n'.repeat(8)}S1`)).toHaveLength(1);
    expect(pairsIn(`K1${'\n'.repeat(9)}S1`)).toEqual([]);
  });

  it('lets labelled secrets reach further, but not across unrelated sections', () => {
    const far = `K1${'\nx = 1'.repeat(15)}\nS1`;
    expect(pairsIn(far)).toEqual([]);
    expect(pairsIn(far, { S1: 'labelled' })).toEqual(['aws-access-key-pair:K1+S1']);
    const veryFar = `K1${'\nx = 1'.repeat(40)}\nS1`;
    expect(pairsIn(veryFar, { S1: 'labelled' })).toEqual([]);
    expect(pairsIn(`[default]\n${veryFar}`, { S1: 'labelled' })).toEqual([
      'aws-access-key-pair:K1+S1',
    ]);
    expect(pairsIn(`[a]\nK1${'\nx = 1'.repeat(30)}\n[b]\nS1`, { S1: 'labelled' })).toEqual([]);
  });

  it('pairs each labelled secret in its own section when sections are long', () => {
    // The next profile's key ID is 3 lines below S1, its own 21 lines above: its own wins.
    const filler = '\nx = 1'.repeat(19);
    const text = `[a]\nK1${filler}\nS1\n\n[b]\nK2${filler}\nS2\n`;
    const labelled = { S1: 'labelled', S2: 'labelled' } as const;
    expect(pairsIn(text, labelled)).toEqual([
      'aws-access-key-pair:K1+S1',
      'aws-access-key-pair:K2+S2',
    ]);
  });

  it('never pairs a secret whose name says it is something else', () => {
    expect(pairsIn('K1\nS1\n', { S1: 'other' })).toEqual([]);
  });

  it('prefers, at equal distance, a labelled secret and then a secret after its key', () => {
    expect(pairsIn('S1\nK1\nS2\n', { S2: 'labelled' })).toContain('aws-access-key-pair:K1+S2');
    expect(pairsIn('S1\nK1\nS2\n')).toContain('aws-access-key-pair:K1+S2');
    // Distance still comes first: a nearer unlabelled secret beats a labelled one further away.
    expect(pairsIn('S1\nK1\n\nS2\n', { S2: 'labelled' })).toEqual(['aws-access-key-pair:K1+S1']);
  });

  it('prefers a partner with no blank line in between', () => {
    expect(pairsIn('S1\n\nK1\nx\nS2\n')).toEqual(['aws-access-key-pair:K1+S2']);
  });

  it('pairs by characters on one long line (minified code)', () => {
    const line = `K1,"${'x'.repeat(200)}",S1,"${'y'.repeat(2000)}",S2`;
    expect(pairsIn(line)).toEqual(['aws-access-key-pair:K1+S1']);
    expect(pairsIn(`K1,"${'y'.repeat(2000)}",S2`)).toEqual([]);
  });
});
