import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessFindings } from '../../src/app/assess-findings.js';
import { assessScan } from '../../src/app/assess-scan.js';
import { verifyFindings } from '../../src/app/verify-findings.js';
import { createCredentialCollector } from '../../src/engine/collect-credentials.js';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanOutcome } from '../../src/model/outcome.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { createRandom, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { resolveStsEndpoint } from '../../src/verify/sts-endpoint.js';
import { type FakeSts, keyIdForAccount, makeIdentity, startFakeSts } from '../helpers/fake-sts.js';

const pack = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }]);
const random = createRandom(5150);
const user = makeIdentity(random, 'user');
const root = makeIdentity(random, 'root');
const canaryId = keyIdForAccount(random, 'AKIA', '171436882533');
const canarySecret = fakeSecret(random);

function pairText(keyId: string, secret: string): string {
  return `aws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`;
}

function scan(files: Record<string, string>, collect: boolean) {
  const collector = collect ? createCredentialCollector() : undefined;
  const findings: Finding[] = [];
  for (const [path, text] of Object.entries(files))
    findings.push(
      ...detectChunk({ source: 'tree', path, text }, pack, EMPTY_ENGINE_ALLOWLIST, collector),
    );
  const outcome: ScanOutcome = {
    mode: 'tree',
    findings,
    suppressed: [],
    skipped: [],
    warnings: [],
    stats: { files: 0, bytes: 0, chunks: 0, durationMs: 0 },
  };
  return { outcome, collector };
}

let sts: FakeSts;
beforeAll(async () => {
  sts = await startFakeSts({ identities: [user, root] });
});
afterAll(async () => {
  await sts.close();
});

describe('assessFindings', () => {
  it('leaves severities alone without facts that change them, and gives no reason', () => {
    const { outcome } = scan({ 'a.env': pairText(user.keyId, user.secret) }, false);
    const out = assessFindings(outcome, { today: '2026-11-30' });
    expect(out.findings.map((f) => [f.ruleId, f.severity, f.severityReason])).toEqual([
      ['aws-access-key-pair', 'high', undefined],
    ]);
  });

  it('makes canaries info, escalates own accounts, suppresses allowed ones (unless expired)', () => {
    const { outcome } = scan(
      {
        'bait.env': pairText(canaryId, canarySecret),
        'prod.env': pairText(user.keyId, user.secret),
        'sandbox.env': pairText(root.keyId, root.secret),
      },
      false,
    );
    const accounts = {
      own: [{ id: user.account, reason: 'prod' }],
      allow: [{ id: root.account, reason: 'sandbox', expires: '2027-01-01' }],
    };
    const out = assessFindings(outcome, { today: '2026-11-30', accounts });
    const byPath = new Map(out.findings.map((f) => [f.location.path, f]));
    expect(byPath.get('bait.env')?.severity).toBe('info');
    expect(byPath.get('bait.env')?.severityReason).toContain('canary');
    expect(byPath.get('prod.env')?.severity).toBe('critical');
    expect(byPath.get('prod.env')?.severityReason).toContain(
      `account ${user.account} is one of ours (prod)`,
    );
    expect(byPath.has('sandbox.env')).toBe(false);
    expect(out.suppressed.map((s) => [s.finding.location.path, s.reason])).toEqual([
      ['sandbox.env', { by: 'allowlist', entry: `account:${root.account}`, reason: 'sandbox' }],
    ]);
    const later = assessFindings(outcome, { today: '2027-02-01', accounts });
    expect(later.suppressed).toEqual([]);
    expect(later.findings.find((f) => f.location.path === 'sandbox.env')?.severity).toBe('high');
  });
});

describe('assessScan with --verify', () => {
  it('verifies survivors once, attaches results without secrets, and clears the collector', async () => {
    const { outcome, collector } = scan(
      {
        'user.env': pairText(user.keyId, user.secret),
        'root.env': pairText(root.keyId, root.secret),
        'bait.env': pairText(canaryId, canarySecret),
      },
      true,
    );
    if (collector === undefined) throw new Error('collector expected');
    expect(collector.credentials()).toHaveLength(3);
    const before = sts.requests.length;
    const out = await assessScan(outcome, {
      today: '2026-11-30',
      accounts: { allow: [{ id: root.account, reason: 'sandbox' }] },
      verify: {
        collector,
        options: { endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }) },
      },
    });
    const sent = sts.requests.slice(before).map((r) => r.keyId);
    // Allowed account: suppressed before verification. Canary: never sent.
    expect(sent).toEqual([user.keyId]);
    expect(collector.credentials()).toEqual([]);
    const f = out.findings.find((x) => x.location.path === 'user.env');
    expect(f?.verification).toEqual({
      status: 'live',
      account: user.account,
      arn: user.arn,
      principal: 'user',
    });
    expect(f?.severity).toBe('high');
    expect(f?.severityReason).toBe('verified live (user)');
    expect(out.findings.find((x) => x.location.path === 'bait.env')?.verification).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain(user.secret);
  });

  it('sends nothing when every finding was filtered out', async () => {
    const { outcome, collector } = scan({ 'bait.env': pairText(canaryId, canarySecret) }, true);
    const before = sts.requests.length;
    const results = await verifyFindings(outcome.findings, collector?.credentials() ?? [], {
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
    });
    expect(results.size).toBe(0);
    expect(sts.requests.length).toBe(before);
  });
});
