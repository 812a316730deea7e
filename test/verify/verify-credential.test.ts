import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRandom,
  fakeKeyId,
  fakeSecret,
  fakeSessionToken,
} from '../../src/rules/expand-placeholders.js';
import { createHttpClient, type HttpClient } from '../../src/verify/http-client.js';
import { resolveStsEndpoint } from '../../src/verify/sts-endpoint.js';
import {
  type CredentialToVerify,
  refusalReason,
  type VerifyOptions,
  verifyCredential,
  verifyCredentials,
} from '../../src/verify/verify-credential.js';
import {
  type FakeIdentity,
  type FakeSts,
  keyIdForAccount,
  makeIdentity,
  startFakeSts,
} from '../helpers/fake-sts.js';

const random = createRandom(2026);
const root = makeIdentity(random, 'root');
const user = makeIdentity(random, 'user');
const role = makeIdentity(random, 'role');
const federated = makeIdentity(random, 'federated');
const deactivated = makeIdentity(random, 'user', { state: 'inactive' });
const expired = makeIdentity(random, 'role', { state: 'expired' });
const slow = makeIdentity(random, 'user', { delayMs: 1500 });
const quirky = makeIdentity(random, 'user');
const canary = makeIdentity(random, 'user', { account: '052310077262' });
const identities = [root, user, role, federated, deactivated, expired, slow, quirky, canary];

function cred(
  identity: FakeIdentity,
  fingerprint: string,
  overrides: Partial<CredentialToVerify> = {},
): CredentialToVerify {
  return {
    fingerprint,
    keyId: identity.keyId,
    secret: identity.secret,
    ...(identity.sessionToken === undefined ? {} : { sessionToken: identity.sessionToken }),
    ...overrides,
  };
}

let sts: FakeSts;
let options: VerifyOptions;

beforeAll(async () => {
  sts = await startFakeSts({ identities });
  options = {
    endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
    http: createHttpClient(),
    timeoutMs: 5000,
    quirkWindowMs: 450,
    userAgent: 'keyguard-test',
  };
});

afterAll(async () => {
  await sts.close();
});

function requestsFor(keyId: string): number {
  return sts.requests.filter((r) => r.keyId === keyId).length;
}

describe('verifyCredential against the fake STS', () => {
  it('root key: live, critical, with account and ARN', async () => {
    const result = await verifyCredential(cred(root, 'f-root'), options);
    expect(result).toEqual({
      status: 'live',
      account: root.account,
      arn: `arn:aws:iam::${root.account}:root`,
      userId: root.account,
      principal: 'root',
      severity: 'critical',
    });
  });

  it('IAM user key: live, high; the request is a signed POST asking for JSON', async () => {
    const result = await verifyCredential(cred(user, 'f-user'), options);
    expect(result).toMatchObject({
      status: 'live',
      principal: 'user',
      severity: 'high',
      userId: user.userId,
    });
    const seen = sts.requests.filter((r) => r.keyId === user.keyId).at(-1);
    expect(seen).toMatchObject({
      method: 'POST',
      accept: 'application/json',
      userAgent: 'keyguard-test',
      answer: 'OK',
    });
    expect(seen?.region).toBe('us-east-1');
  });

  it('parses STS XML answers too', async () => {
    const result = await verifyCredential(cred(user, 'f-xml'), {
      ...options,
      responseFormat: 'xml',
    });
    expect(result).toMatchObject({
      status: 'live',
      principal: 'user',
      arn: user.arn,
      account: user.account,
    });
    expect(sts.requests.at(-1)?.accept).toBe('text/xml');
  });

  it('a header changed after signing is refused by the fake STS (it really checks signatures)', async () => {
    const base = createHttpClient();
    const tamper: HttpClient = (req) =>
      base({ ...req, headers: { ...req.headers, accept: 'text/plain' } });
    const result = await verifyCredential(cred(user, 'f-tamper'), { ...options, http: tamper });
    expect(result).toEqual({ status: 'inactive', code: 'SignatureDoesNotMatch' });
  });

  it('temporary credentials: assumed-role and federated-user are medium, token sent', async () => {
    expect(await verifyCredential(cred(role, 'f-role'), options)).toMatchObject({
      status: 'live',
      principal: 'assumed-role',
      severity: 'medium',
      arn: role.arn,
    });
    expect(await verifyCredential(cred(federated, 'f-fed'), options)).toMatchObject({
      status: 'live',
      principal: 'federated-user',
      severity: 'medium',
    });
    expect(sts.requests.filter((r) => r.keyId === role.keyId).every((r) => r.hadToken)).toBe(true);
  });

  it('wrong secret: inactive SignatureDoesNotMatch', async () => {
    const result = await verifyCredential(
      cred(root, 'f-wrong', { secret: fakeSecret(random) }),
      options,
    );
    expect(result).toEqual({ status: 'inactive', code: 'SignatureDoesNotMatch' });
  });

  it('unknown or deactivated key: inactive InvalidClientTokenId', async () => {
    const unknownKey = {
      fingerprint: 'f-unknown',
      keyId: fakeKeyId(random, 'AKIA'),
      secret: fakeSecret(random),
    };
    expect(await verifyCredential(unknownKey, options)).toEqual({
      status: 'inactive',
      code: 'InvalidClientTokenId',
    });
    expect(await verifyCredential(cred(deactivated, 'f-deact'), options)).toEqual({
      status: 'inactive',
      code: 'InvalidClientTokenId',
    });
  });

  it('expired session: inactive ExpiredToken', async () => {
    expect(await verifyCredential(cred(expired, 'f-exp'), options)).toEqual({
      status: 'inactive',
      code: 'ExpiredToken',
    });
  });

  it('wrong session token: inactive InvalidClientTokenId', async () => {
    const result = await verifyCredential(
      cred(role, 'f-tok', { sessionToken: fakeSessionToken(random) }),
      options,
    );
    expect(result).toEqual({ status: 'inactive', code: 'InvalidClientTokenId' });
  });

  it('skips ASIA keys without a session token, canaries and documentation examples without a request', async () => {
    const before = sts.requests.length;
    const { sessionToken: _t, ...noToken } = cred(role, 'f-notoken');
    expect(await verifyCredential(noToken, options)).toEqual({
      status: 'skipped',
      reason: 'missing-session-token',
    });
    expect(await verifyCredential(cred(canary, 'f-canary'), options)).toEqual({
      status: 'skipped',
      reason: 'canary',
    });
    const example = {
      fingerprint: 'f-ex',
      keyId: 'AKIAIOSFODNN7EXAMPLE',
      secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    };
    expect(await verifyCredential(example, options)).toEqual({
      status: 'skipped',
      reason: 'example',
    });
    expect(sts.requests.length).toBe(before);
  });

  it('a wrong signing clock is unknown (clock-skew), not inactive', async () => {
    const result = await verifyCredential(cred(user, 'f-skew'), {
      ...options,
      now: () => new Date(Date.now() - 3_600_000),
    });
    expect(result).toMatchObject({
      status: 'unknown',
      reason: 'clock-skew',
      code: 'SignatureDoesNotMatch',
    });
  });

  it('signing for another region than the endpoint is unknown (wrong-region)', async () => {
    const endpoint = resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'eu-west-1' });
    expect(endpoint.region).toBe('eu-west-1');
    const result = await verifyCredential(cred(user, 'f-region'), { ...options, endpoint });
    expect(result).toMatchObject({ status: 'unknown', reason: 'wrong-region' });
  });

  it('slow answer: unknown timeout', async () => {
    const started = Date.now();
    const result = await verifyCredential(cred(slow, 'f-slow'), { ...options, timeoutMs: 150 });
    const took = Date.now() - started;
    expect(result).toMatchObject({ status: 'unknown', reason: 'timeout' });
    // It says how long it really waited: at least the limit, no more than the call took.
    const waited = (result as { elapsedMs?: number }).elapsedMs ?? -1;
    expect(waited).toBeGreaterThanOrEqual(145);
    expect(waited).toBeLessThanOrEqual(took);
    expect(took).toBeLessThan(1400);
  });

  it('cancelled by the caller: unknown aborted', async () => {
    const controller = new AbortController();
    const pending = verifyCredential(cred(slow, 'f-abort'), {
      ...options,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual({ status: 'unknown', reason: 'aborted' });
  });

  it('connection refused: unknown network', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const endpoint = resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` });
    expect(await verifyCredential(cred(user, 'f-net'), { ...options, endpoint })).toEqual({
      status: 'unknown',
      reason: 'network',
    });
  });

  it.each([
    ['throttle', { status: 'unknown', reason: 'throttled', code: 'Throttling', httpStatus: 400 }],
    [
      'server-error',
      { status: 'unknown', reason: 'http-status', code: 'InternalFailure', httpStatus: 500 },
    ],
    ['garbage', { status: 'unknown', reason: 'unparsed', httpStatus: 200 }],
    ['html-redirect', { status: 'unknown', reason: 'http-status', httpStatus: 302 }],
  ] as const)('server failure %s: unknown', async (mode, expected) => {
    sts.failure = mode;
    try {
      expect(await verifyCredential(cred(user, `f-${mode}`), options)).toEqual(expected);
    } finally {
      sts.failure = 'none';
    }
  });
});

describe('verifyCredentials', () => {
  it('retries once after the quirk window when a key ID was just tried with another secret', async () => {
    const quirkSts = await startFakeSts({ identities: [quirky], quirkWindowMs: 400 });
    const quirkOptions = {
      ...options,
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: quirkSts.url }),
    };
    try {
      // Without the retry, the correct secret right after a wrong one is refused (the simulated quirk).
      await verifyCredential(cred(quirky, 'q0', { secret: fakeSecret(random) }), quirkOptions);
      expect(await verifyCredential(cred(quirky, 'q0'), quirkOptions)).toMatchObject({
        code: 'SignatureDoesNotMatch',
      });
      await new Promise((resolve) => setTimeout(resolve, 450));

      const wrong = cred(quirky, 'q-wrong', { secret: fakeSecret(random) });
      const right = cred(quirky, 'q-right');
      const results = await verifyCredentials([wrong, right], quirkOptions);
      expect(results.get('q-wrong')).toEqual({ status: 'inactive', code: 'SignatureDoesNotMatch' });
      expect(results.get('q-right')).toMatchObject({ status: 'live', principal: 'user' });
      expect(quirkSts.requests.slice(2).map((r) => r.answer)).toEqual([
        'SignatureDoesNotMatch',
        'SignatureDoesNotMatch',
        'OK',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 450));

      // Once one secret of the key is live, a mismatch of another is genuine: no retry.
      const again = await verifyCredentials(
        [cred(quirky, 'r-right'), cred(quirky, 'r-wrong', { secret: fakeSecret(random) })],
        quirkOptions,
      );
      expect(again.get('r-right')?.status).toBe('live');
      expect(again.get('r-wrong')).toEqual({ status: 'inactive', code: 'SignatureDoesNotMatch' });
      expect(quirkSts.requests.length).toBe(7);
    } finally {
      await quirkSts.close();
    }
  });

  it('sends duplicates once, merges candidates per fingerprint (live wins), never returns secrets', async () => {
    const before = requestsFor(user.keyId);
    const results = await verifyCredentials(
      [
        cred(user, 'd-1'),
        cred(user, 'd-2'),
        cred(root, 'd-3', { secret: fakeSecret(random) }),
        cred(root, 'd-3'),
        cred(canary, 'd-4'),
      ],
      { ...options, quirkWindowMs: 50 },
    );
    expect(requestsFor(user.keyId) - before).toBe(1);
    expect(results.get('d-1')).toEqual(results.get('d-2'));
    expect(results.get('d-3')).toMatchObject({ status: 'live', principal: 'root' });
    expect(results.get('d-4')).toEqual({ status: 'skipped', reason: 'canary' });
    const text = JSON.stringify([...results]);
    for (const identity of identities) {
      expect(text).not.toContain(identity.secret);
      if (identity.sessionToken !== undefined) expect(text).not.toContain(identity.sessionToken);
    }
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const rnd = createRandom(99);
    const many = Array.from({ length: 6 }, () => makeIdentity(rnd, 'user', { delayMs: 120 }));
    const server = await startFakeSts({ identities: many });
    let inFlight = 0;
    let peak = 0;
    const base = createHttpClient();
    const counting: HttpClient = async (req) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await base(req);
      } finally {
        inFlight--;
      }
    };
    const settled: string[] = [];
    try {
      const results = await verifyCredentials(
        many.map((identity, i) => cred(identity, `c-${i}`)),
        {
          ...options,
          endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL: server.url }),
          http: counting,
          concurrency: 2,
          onResult: (fingerprint) => settled.push(fingerprint),
        },
      );
      expect([...results.values()].every((r) => r.status === 'live')).toBe(true);
      expect(peak).toBe(2);
      expect(settled.sort()).toEqual(many.map((_, i) => `c-${i}`).sort());
    } finally {
      await server.close();
    }
  });
});

describe('refusalReason', () => {
  it('refuses what must never reach AWS and accepts well-formed keys', () => {
    const r = createRandom(5);
    const secret = fakeSecret(r);
    expect(
      refusalReason({ fingerprint: 'x', keyId: fakeKeyId(r, 'AKIA'), secret }),
    ).toBeUndefined();
    expect(refusalReason({ fingerprint: 'x', keyId: fakeKeyId(r, 'ABIA'), secret })).toBe(
      'unsupported-prefix',
    );
    expect(
      refusalReason({ fingerprint: 'x', keyId: fakeKeyId(r, 'AKIA'), secret: secret.slice(1) }),
    ).toBe('malformed');
    expect(
      refusalReason({
        fingerprint: 'x',
        keyId: keyIdForAccount(r, 'ASIA', '982842642351'),
        secret,
      }),
    ).toBe('canary');
    expect(
      refusalReason({
        fingerprint: 'x',
        keyId: fakeKeyId(r, 'AKIA'),
        secret: `${secret.slice(0, 33)}EXAMPLE`,
      }),
    ).toBe('example');
  });
});
