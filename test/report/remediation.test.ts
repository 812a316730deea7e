import { describe, expect, it } from 'vitest';
import type { Finding, FindingKind, KeyFacts } from '../../src/model/finding.js';
import {
  type RemediationTopic,
  remediationFor,
  remediationTopic,
  remediationTopicForRule,
} from '../../src/report/remediation.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';

const TOPICS: RemediationTopic[] = [
  'root-key',
  'long-term-pair',
  'temporary-pair',
  'key-id',
  'temporary-key-id',
  'secret',
  'session-token',
  'identifier',
  'canary',
];

function finding(kind: FindingKind, keyFacts?: KeyFacts): Finding {
  const location = { path: 'a', line: 1, column: 1, endLine: 1, endColumn: 2 };
  return {
    ruleId: 'r',
    kind,
    severity: 'high',
    title: 't',
    location,
    redacted: 'x',
    lineText: '',
    secretHash: 'h',
    fingerprint: 'f',
    source: 'tree',
    ...(keyFacts === undefined ? {} : { keyFacts }),
  };
}

describe('remediationFor', () => {
  it.each(TOPICS)('%s: a one-line short text and Markdown with a title and references', (topic) => {
    const r = remediationFor(topic);
    expect(r.topic).toBe(topic);
    expect(r.short).not.toContain('\n');
    expect(r.short.length).toBeLessThanOrEqual(140);
    expect(r.markdown.startsWith('## ')).toBe(true);
    expect(r.references.length).toBeGreaterThan(0);
    for (const url of r.references) {
      expect(url.startsWith('https://')).toBe(true);
      expect(r.markdown).toContain(`<${url}>`);
    }
    // No key-shaped value in guidance text.
    expect(r.markdown).not.toMatch(/\b(?:AKIA|ASIA)[A-Z2-7]{16}\b/);
  });

  it('long-term pairs: rotate (not history rewriting), CloudTrail, secret managers, roles, 90 days, root, MFA', () => {
    const md = remediationFor('long-term-pair').markdown;
    for (const phrase of [
      'Deactivate and rotate',
      'not rewriting Git history',
      'CloudTrail',
      'every Region',
      'AWS Secrets Manager',
      'HashiCorp',
      'aws-vault',
      'IAM roles and temporary credentials',
      'root user',
      'MFA',
      'least privilege',
      '90 days',
      'delete',
      'AWSCompromisedKeyQuarantine',
    ]) {
      expect(md).toContain(phrase);
    }
    expect(remediationFor('long-term-pair').short).toMatch(/^Deactivate and rotate/);
  });

  it('temporary credentials: revoke sessions, not deactivation', () => {
    const r = remediationFor('temporary-pair');
    expect(r.short).toContain('Revoke');
    expect(r.markdown).toContain('AWSRevokeOlderSessions');
    expect(r.markdown).toContain('36 hours');
    expect(remediationFor('session-token').markdown).toContain('Revoke active sessions');
  });

  it('root keys: delete them; canaries: never use or verify', () => {
    expect(remediationFor('root-key').markdown).toContain('Delete the root access key');
    expect(remediationFor('canary').short).toContain('do not use or verify');
  });

  it('numbered steps are consecutive in every topic', () => {
    for (const topic of TOPICS) {
      const numbers = [...remediationFor(topic).markdown.matchAll(/^(\d+)\. /gm)].map((m) =>
        Number(m[1]),
      );
      numbers.forEach((n, i) => {
        expect(n).toBe(i + 1);
      });
    }
  });
});

describe('remediationTopic', () => {
  it('chooses by canary, verified root, prefix, then kind', () => {
    expect(
      remediationTopic(
        finding('credential-pair', { prefix: 'AKIA', account: '1', canary: true }),
        'root',
      ),
    ).toBe('canary');
    expect(remediationTopic(finding('credential-pair', { prefix: 'AKIA' }), 'root')).toBe(
      'root-key',
    );
    expect(remediationTopic(finding('credential-pair', { prefix: 'AKIA' }), 'user')).toBe(
      'long-term-pair',
    );
    expect(remediationTopic(finding('credential-pair', { prefix: 'ASIA' }))).toBe('temporary-pair');
    expect(remediationTopic(finding('access-key-id', { prefix: 'ASIA' }))).toBe('temporary-key-id');
    expect(remediationTopic(finding('access-key-id', { prefix: 'ABIA' }))).toBe('key-id');
    expect(remediationTopic(finding('secret-access-key'))).toBe('secret');
    expect(remediationTopic(finding('session-token'))).toBe('session-token');
    expect(remediationTopic(finding('identifier'))).toBe('identifier');
  });
});

describe('remediationTopicForRule', () => {
  it('maps every shipped rule', () => {
    const byId = new Map(BUILTIN_PACK.rules.map((r) => [r.id, r]));
    const topics = Object.fromEntries(
      BUILTIN_PACK.rules.map((r) => [r.id, remediationTopicForRule(r, byId)]),
    );
    expect(topics).toMatchObject({
      'aws-access-key-id': 'key-id',
      'aws-temporary-access-key-id': 'temporary-key-id',
      'aws-secret-access-key': 'secret',
      'aws-session-token': 'session-token',
      'aws-unique-identifier': 'identifier',
      'aws-access-key-pair': 'long-term-pair',
      'aws-temporary-credential-pair': 'temporary-pair',
    });
  });
});
