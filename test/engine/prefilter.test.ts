import { describe, expect, it } from 'vitest';
import { selectRules } from '../../src/engine/prefilter.js';
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
