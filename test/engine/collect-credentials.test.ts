import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessSeverity } from '../../src/engine/assess-severity.js';
import { createCredentialCollector } from '../../src/engine/collect-credentials.js';
import { detectChunk } from '../../src/engine/detect.js';
import type { Chunk } from '../../src/model/chunk.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { resolveStsEndpoint } from '../../src/verify/sts-endpoint.js';
import { verifyCredentials } from '../../src/verify/verify-credential.js';
import { type FakeSts, keyIdForAccount, makeIdentity, startFakeSts } from '../helpers/fake-sts.js';

const pack = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }]);
const random = createRandom(314);
const user = makeIdentity(random, 'user');
const role = makeIdentity(random, 'role');
const dead = makeIdentity(random, 'user', { state: 'inactive' });

function chunk(text: string, path = 'config/credentials'): Chunk {
  return { source: 'tree', path, text };
}

const credentialsFile = [
  '[prod]',
  `aws_access_key_id = ${user.keyId}`,
  `aws_secret_access_key = ${user.secret}`,
  '',
  '[session]',
  `aws_access_key_id = ${role.keyId}`,
  `aws_secret_access_key = ${role.secret}`,
  `aws_session_token = ${role.sessionToken ?? ''}`,
  '',
  '[old]',
  `aws_access_key_id = ${dead.keyId}`,
  `aws_secret_access_key = ${dead.secret}`,
  '',
].join('\n');

describe('keyFacts on findings', () => {
  it('key-ID and pair findings carry prefix and decoded account; others none', () => {
    const findings = detectChunk(chunk(credentialsFile), pack, EMPTY_ENGINE_ALLOWLIST);
    const pairs = findings.filter((f) => f.kind === 'credential-pair');
    expect(pairs.map((f) => f.keyFacts)).toEqual([
      { prefix: 'AKIA', account: user.account },
      { prefix: 'ASIA', account: role.account },
      { prefix: 'AKIA', account: dead.account },
    ]);
    for (const f of findings.filter((f) => f.kind !== 'credential-pair'))
      expect(f.keyFacts).toBeUndefined();

    const lone = detectChunk(chunk(`id: ${user.keyId}`), pack, EMPTY_ENGINE_ALLOWLIST);
    expect(lone).toHaveLength(1);
    expect(lone[0]).toMatchObject({
      kind: 'access-key-id',
      keyFacts: { prefix: 'AKIA', account: user.account },
    });
  });

  it('marks canary keys and leaves legacy IDs without an account', () => {
    const canaryId = keyIdForAccount(random, 'AKIA', '717712589309');
    const [canary] = detectChunk(chunk(`key = ${canaryId}`), pack, EMPTY_ENGINE_ALLOWLIST);
    expect(canary?.keyFacts).toEqual({ prefix: 'AKIA', account: '717712589309', canary: true });
    const [example] = detectChunk(
      chunk('key = AKIAIOSFODNN7EXAMPLE'),
      pack,
      EMPTY_ENGINE_ALLOWLIST,
    );
    expect(example?.allowedBy?.by).toBe('builtin');
    expect(example?.keyFacts).toEqual({ prefix: 'AKIA' });
  });
});

describe('createCredentialCollector', () => {
  it('is the only way raw values leave the engine: findings never hold them', () => {
    const collector = createCredentialCollector();
    const findings = detectChunk(chunk(credentialsFile), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    const text = JSON.stringify(findings);
    for (const id of [user, role, dead]) {
      expect(text).not.toContain(id.secret);
      expect(text).not.toContain(id.keyId);
    }
    expect(text).not.toContain(role.sessionToken);
    expect(collector.credentials()).toHaveLength(3);
  });

  it('collects one credential per pair finding, keyed by its fingerprint, with the ASIA session token', () => {
    const collector = createCredentialCollector();
    const findings = detectChunk(chunk(credentialsFile), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    const pairs = findings.filter((f) => f.kind === 'credential-pair');
    const creds = collector.credentials();
    expect(creds.map((c) => c.fingerprint)).toEqual(pairs.map((f) => f.fingerprint));
    expect(creds[0]).toEqual({
      fingerprint: pairs[0]?.fingerprint,
      keyId: user.keyId,
      secret: user.secret,
    });
    expect(creds[1]).toEqual({
      fingerprint: pairs[1]?.fingerprint,
      keyId: role.keyId,
      secret: role.secret,
      sessionToken: role.sessionToken,
    });
    expect(creds[2]?.sessionToken).toBeUndefined();
  });

  it('detection without a collector returns the same findings', () => {
    const withCollector = detectChunk(
      chunk(credentialsFile),
      pack,
      EMPTY_ENGINE_ALLOWLIST,
      createCredentialCollector(),
    );
    expect(detectChunk(chunk(credentialsFile), pack, EMPTY_ENGINE_ALLOWLIST)).toEqual(
      withCollector,
    );
  });

  it('skips allowlisted pairs, de-duplicates, and forgets on clear()', () => {
    const collector = createCredentialCollector();
    const example =
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    detectChunk(chunk(example), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    expect(collector.credentials()).toEqual([]);
    const one = `aws_access_key_id = ${user.keyId}\naws_secret_access_key = ${user.secret}`;
    detectChunk(chunk(one), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    detectChunk(chunk(one), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    expect(collector.credentials()).toHaveLength(1);
    detectChunk(chunk(one, 'other/file'), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    expect(collector.credentials()).toHaveLength(2);
    collector.clear();
    expect(collector.credentials()).toEqual([]);
  });

  it('takes the nearest session token, not one from another profile far away', () => {
    const collector = createCredentialCollector({ tokenWithinLines: 2 });
    const far = [
      `aws_access_key_id = ${role.keyId}`,
      `aws_secret_access_key = ${role.secret}`,
      '',
      '',
      '',
      `aws_session_token = ${role.sessionToken ?? ''}`,
    ].join('\n');
    detectChunk(chunk(far), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    expect(collector.credentials()[0]?.sessionToken).toBeUndefined();
  });
});

describe('detect → collect → verify', () => {
  let sts: FakeSts;
  beforeAll(async () => {
    sts = await startFakeSts({ identities: [user, role, dead] });
  });
  afterAll(async () => {
    await sts.close();
  });

  it('verifies every pair of a scanned credentials file by fingerprint', async () => {
    const collector = createCredentialCollector();
    const findings = detectChunk(chunk(credentialsFile), pack, EMPTY_ENGINE_ALLOWLIST, collector);
    const results = await verifyCredentials(collector.credentials(), {
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
    });
    collector.clear();
    const byKind = findings
      .filter((f) => f.kind === 'credential-pair')
      .map((f) => [f.redacted, results.get(f.fingerprint)?.status]);
    expect(byKind).toEqual([
      [expect.stringMatching(/^AKIA\*+/), 'live'],
      [expect.stringMatching(/^ASIA\*+/), 'live'],
      [expect.stringMatching(/^AKIA\*+/), 'inactive'],
    ]);
    // Verification results feed severity directly.
    const severities = findings
      .filter((f) => f.kind === 'credential-pair')
      .map((f) => {
        const verification = results.get(f.fingerprint);
        return assessSeverity(f, verification === undefined ? {} : { verification }).severity;
      });
    expect(severities).toEqual(['high', 'medium', 'low']);
  });
});
