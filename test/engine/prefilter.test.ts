import { describe, expect, it } from 'vitest';
import { findKeywords, selectRules } from '../../src/engine/prefilter.js';
import { PACK } from './scan-text.js';

const ids = (text: string) => selectRules(text, PACK.rules).map((r) => r.id);

describe('selectRules', () => {
  it('selects nothing for text without any keyword', () => {
    expect(ids('const x = compute(y); // nothing to see')).toEqual([]);
  });

  it('selects exactly the rules whose keywords occur', () => {
    expect(ids('key AKIA…')).toEqual(['aws-access-key-id']);
    expect(ids('ASIA and a Secret')).toEqual([
      'aws-temporary-access-key-id',
      'aws-secret-access-key',
    ]);
    // Session tokens anchor on the STS marker inside the value, not on the label.
    expect(ids('X-Amz-Security-Token')).toEqual([]);
    expect(ids('token: IQoJb3JpZ2luX2Vj')).toEqual(['aws-session-token']);
    expect(ids('aws_sec_key')).toEqual(['aws-secret-access-key']);
  });

  it('always runs rules without keywords', () => {
    const open = { ...PACK.rules[0], keywords: [] } as (typeof PACK.rules)[number];
    expect(selectRules('nothing here', [open])).toEqual([open]);
    expect(selectRules('nothing here', [open, ...PACK.rules])).toEqual([open]);
  });
});

describe('findKeywords', () => {
  it('records every occurrence of every keyword in one pass, overlapping ones too', () => {
    const text = 'AKIASIA cret secret AWS_KEY';
    const hits = findKeywords(text, PACK.rules);
    expect(hits.offsetsOf('AKIA')).toEqual([0]);
    expect(hits.offsetsOf('ASIA')).toEqual([3]);
    expect(hits.offsetsOf('cret')).toEqual([8, 15]);
    expect(hits.offsetsOf('_KEY')).toEqual([23]);
    expect(hits.offsetsOf('YXdz')).toEqual([]);
    expect(hits.selected.map((r) => r.id)).toEqual(selectRules(text, PACK.rules).map((r) => r.id));
  });

  it('reads given keyword starts instead of searching: the same hits from any superset of them', () => {
    const text = 'AKIASIA cret secret AWS_KEY aws_key YXdz';
    const searched = findKeywords(text, PACK.rules);
    const words = [...new Set(PACK.rules.flatMap((r) => r.keywords))];
    const all = Array.from(text, (_, i) => i);
    const exact = all.filter((i) => words.some((w) => text.startsWith(w, i)));
    for (const starts of [exact, all]) {
      const read = findKeywords(text, PACK.rules, Int32Array.from(starts));
      for (const w of words) expect(read.offsetsOf(w), w).toEqual(searched.offsetsOf(w));
      expect(read.selected).toEqual(searched.selected);
    }
    // Only the starts given are looked at: the scan that made them answers for finding them all.
    expect(findKeywords(text, PACK.rules, Int32Array.from([8])).offsetsOf('AKIA')).toEqual([]);
    expect(findKeywords(text, PACK.rules, Int32Array.from([8])).offsetsOf('cret')).toEqual([8]);
  });

  it('selects the secret rule on a label that does not say secret', () => {
    expect(ids('AWS_KEY=')).toEqual(['aws-secret-access-key']);
    expect(ids('aws_access_key =')).toEqual(['aws-secret-access-key']);
  });
});
