import { describe, expect, it } from 'vitest';
import { assessSeverity, principalOf } from '../../src/engine/assess-severity.js';
import type { UserConfig } from '../../src/model/config.js';
import type { Finding, FindingKind, KeyFacts, Severity } from '../../src/model/finding.js';

function finding(kind: FindingKind, severity: Severity, keyFacts?: KeyFacts): Finding {
  const location = { path: 'a', line: 1, column: 1, endLine: 1, endColumn: 2 };
  return {
    ruleId: 'r',
    kind,
    severity,
    title: 't',
    location,
    redacted: 'AKIA****',
    lineText: '',
    secretHash: 'h',
    fingerprint: 'f',
    source: 'tree',
    ...(keyFacts === undefined ? {} : { keyFacts }),
  };
}

const ACCOUNT = '123456789012';
const pair = finding('credential-pair', 'high', { prefix: 'AKIA', account: ACCOUNT });
const tempPair = finding('credential-pair', 'medium', { prefix: 'ASIA', account: ACCOUNT });
const loneId = finding('access-key-id', 'low', { prefix: 'AKIA', account: ACCOUNT });
const legacyId = finding('access-key-id', 'low', { prefix: 'AKIA' });

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

describe('assessSeverity without verification (rule severity, B6)', () => {
  it('pair high, temporary pair medium (low without token), lone ID low', () => {
    expect(assessSeverity(pair).severity).toBe('high');
    expect(assessSeverity(tempPair).severity).toBe('medium');
    expect(assessSeverity(tempPair, { hasSessionToken: false })).toMatchObject({
      severity: 'low',
      reason: 'temporary credentials without their session token',
    });
    expect(assessSeverity(loneId)).toEqual({
      severity: 'low',
      reason: 'key ID alone: not usable, but names the account',
      account: ACCOUNT,
    });
    expect(assessSeverity(legacyId).account).toBeUndefined();
    expect(assessSeverity(finding('secret-access-key', 'medium')).severity).toBe('medium');
    expect(assessSeverity(finding('session-token', 'medium')).severity).toBe('medium');
  });

  it('identifiers and canaries are info', () => {
    expect(assessSeverity(finding('identifier', 'info')).severity).toBe('info');
    const canary = finding('credential-pair', 'high', {
      prefix: 'AKIA',
      account: '717712589309',
      canary: true,
    });
    expect(assessSeverity(canary)).toEqual({
      severity: 'info',
      reason: 'likely canary (decoy) token: do not use it',
      account: '717712589309',
    });
    // Even an own-account entry does not escalate a canary.
    const accounts = { own: [{ id: '717712589309', reason: 'x' }] };
    expect(assessSeverity(canary, { accounts }).severity).toBe('info');
  });
});

describe('assessSeverity with verification', () => {
  it('live: the ARN decides, over the prefix', () => {
    const live = (arn: string) => ({ status: 'live' as const, arn, account: ACCOUNT });
    expect(
      assessSeverity(pair, { verification: live(`arn:aws:iam::${ACCOUNT}:root`) }),
    ).toMatchObject({
      severity: 'critical',
      reason: 'verified live root-user key',
    });
    expect(
      assessSeverity(pair, { verification: live(`arn:aws:iam::${ACCOUNT}:user/x`) }).severity,
    ).toBe('high');
    expect(
      assessSeverity(tempPair, { verification: live(`arn:aws:sts::${ACCOUNT}:assumed-role/r/s`) })
        .severity,
    ).toBe('medium');
    // A session from GetSessionToken can be the root user's.
    expect(
      assessSeverity(tempPair, { verification: live(`arn:aws:iam::${ACCOUNT}:root`) }).severity,
    ).toBe('critical');
  });

  it('inactive is low; unknown and skipped keep the offline severity', () => {
    expect(
      assessSeverity(pair, { verification: { status: 'inactive', code: 'InvalidClientTokenId' } }),
    ).toMatchObject({
      severity: 'low',
      reason: 'verified not usable (InvalidClientTokenId)',
    });
    expect(assessSeverity(pair, { verification: { status: 'unknown' } }).severity).toBe('high');
    expect(assessSeverity(pair, { verification: { status: 'skipped' } }).severity).toBe('high');
  });

  it('prefers the verified account over the decoded one', () => {
    const other = '210987654321';
    const result = assessSeverity(legacyId, {
      verification: { status: 'live', arn: `arn:aws:iam::${other}:user/u`, account: other },
    });
    expect(result.account).toBe(other);
  });
});

describe('assessSeverity with config accounts', () => {
  const accounts: UserConfig['accounts'] = {
    own: [
      { id: ACCOUNT, reason: 'production' },
      { id: '111122223333', reason: 'old', expires: '2020-01-01' },
    ],
    allow: [
      { id: '444455556666', reason: 'LocalStack test account' },
      { id: '555555555555', reason: 'expired', expires: '2026-01-31' },
    ],
  };

  it('own accounts raise one level, critical stays critical', () => {
    expect(assessSeverity(pair, { accounts, today: '2026-11-30' })).toMatchObject({
      severity: 'critical',
      accountMatch: { list: 'own', entry: { id: ACCOUNT, reason: 'production' } },
    });
    expect(assessSeverity(loneId, { accounts }).severity).toBe('medium');
    const root = { status: 'live' as const, arn: `arn:aws:iam::${ACCOUNT}:root`, account: ACCOUNT };
    expect(assessSeverity(pair, { accounts, verification: root }).severity).toBe('critical');
    expect(assessSeverity(pair, { accounts }).reason).toContain('one of ours (production)');
  });

  it('allowed accounts drop to info; expired entries no longer apply', () => {
    const allowed = finding('credential-pair', 'high', { prefix: 'AKIA', account: '444455556666' });
    expect(assessSeverity(allowed, { accounts })).toMatchObject({
      severity: 'info',
      accountMatch: { list: 'allow' },
    });
    const expiredAllow = finding('credential-pair', 'high', {
      prefix: 'AKIA',
      account: '555555555555',
    });
    expect(assessSeverity(expiredAllow, { accounts, today: '2026-11-30' }).severity).toBe('high');
    expect(assessSeverity(expiredAllow, { accounts, today: '2026-01-31' }).severity).toBe('info');
    const expiredOwn = finding('credential-pair', 'high', {
      prefix: 'AKIA',
      account: '111122223333',
    });
    expect(assessSeverity(expiredOwn, { accounts, today: '2026-11-30' }).severity).toBe('high');
  });
});
