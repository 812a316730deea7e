import { describe, expect, it } from 'vitest';
import { principalOf } from '../../src/verify/principal.js';

describe('principalOf', () => {
  it.each([
    ['arn:aws:iam::123456789012:root', 'root', 'critical'],
    ['arn:aws:iam::123456789012:user/ci/deploy', 'user', 'high'],
    ['arn:aws-cn:iam::123456789012:user/x', 'user', 'high'],
    ['arn:aws:sts::123456789012:assumed-role/deploy/session', 'assumed-role', 'medium'],
    ['arn:aws-us-gov:sts::123456789012:assumed-role/r/i-0abc', 'assumed-role', 'medium'],
    ['arn:aws:sts::123456789012:federated-user/bob', 'federated-user', 'medium'],
    ['arn:aws:iam::123456789012:role/not-a-caller', 'other', 'high'],
    ['arn:aws:iam::123:root', 'other', 'high'],
    ['nonsense', 'other', 'high'],
  ])('%s → %s (%s)', (arn, type, severity) => {
    expect(principalOf(arn)).toEqual({ type, severity });
  });
});
