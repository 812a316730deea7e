import { randomUUID, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeAccountId } from '../../src/engine/decode-account.js';
import { fakeKeyId, fakeSecret, fakeSessionToken } from '../../src/rules/expand-placeholders.js';
import {
  buildCanonicalRequest,
  buildStringToSign,
  computeSignature,
  deriveSigningKey,
  sha256Hex,
} from '../../src/verify/sign-v4.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const MAX_SKEW_MS = 15 * 60 * 1000;

export type PrincipalKind = 'root' | 'user' | 'role' | 'federated';
export type KeyState = 'active' | 'inactive' | 'expired';

/** One key the fake STS knows: generated at test time, never a literal in the repository. */
export interface FakeIdentity {
  readonly keyId: string;
  readonly secret: string;
  readonly sessionToken?: string;
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
  readonly state: KeyState;
  /** Answer this key's requests only after this many milliseconds. */
  readonly delayMs?: number;
}

/**
 * A modern-format key ID that encodes `account` (the inverse of decodeAccountId): bit 47 set,
 * the account in bits 46…7, random low bits and a random tail.
 */
export function keyIdForAccount(random: () => number, prefix: string, account: string): string {
  const low7 = BigInt(Math.floor(random() * 128));
  const first48 = (1n << 47n) | (BigInt(account) << 7n) | low7;
  const tail = BigInt(Math.floor(random() * 2 ** 32));
  let bits = (first48 << 32n) | tail;
  let body = '';
  for (let i = 0; i < 16; i++) {
    body = BASE32.charAt(Number(bits & 31n)) + body;
    bits >>= 5n;
  }
  return `${prefix}${body}`;
}

export interface IdentityOptions {
  readonly account?: string;
  readonly state?: KeyState;
  readonly delayMs?: number;
  readonly name?: string;
}

/** A fake key pair with the ARN and user ID STS would answer for it. Root and user keys are AKIA. */
export function makeIdentity(
  random: () => number,
  kind: PrincipalKind,
  options: IdentityOptions = {},
): FakeIdentity {
  const temporary = kind === 'role' || kind === 'federated';
  const prefix = temporary ? 'ASIA' : 'AKIA';
  let keyId =
    options.account === undefined
      ? fakeKeyId(random, prefix)
      : keyIdForAccount(random, prefix, options.account);
  // About one random body in eleven decodes to 13 digits, which no real key does: draw again.
  while (decodeAccountId(keyId) === undefined) keyId = fakeKeyId(random, prefix);
  const account = decodeAccountId(keyId) ?? '';
  const name = options.name ?? `${kind}-${Math.floor(random() * 1e6)}`;
  const base = {
    keyId,
    secret: fakeSecret(random),
    account,
    state: options.state ?? 'active',
    ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }),
    ...(temporary ? { sessionToken: fakeSessionToken(random) } : {}),
  };
  switch (kind) {
    case 'root':
      return { ...base, arn: `arn:aws:iam::${account}:root`, userId: account };
    case 'user':
      return {
        ...base,
        arn: `arn:aws:iam::${account}:user/ci/${name}`,
        userId: fakeKeyId(random, 'AIDA', 17),
      };
    case 'role':
      return {
        ...base,
        arn: `arn:aws:sts::${account}:assumed-role/deploy/${name}`,
        userId: `${fakeKeyId(random, 'AROA', 17)}:${name}`,
      };
    case 'federated':
      return {
        ...base,
        arn: `arn:aws:sts::${account}:federated-user/${name}`,
        userId: `${account}:${name}`,
      };
  }
}

/** What the server saw, without anything secret (it never receives a secret anyway). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly keyId?: string;
  readonly region?: string;
  readonly accept?: string;
  readonly userAgent?: string;
  readonly hadToken: boolean;
  readonly answer: string;
  readonly status: number;
  readonly at: number;
}

export type FailureMode = 'none' | 'throttle' | 'server-error' | 'garbage' | 'html-redirect';

export interface FakeStsOptions {
  readonly identities: readonly FakeIdentity[];
  /** Region the endpoint signs for (the global endpoint: us-east-1). */
  readonly region?: string;
  /**
   * Simulate AWS's quirk: after a request with a wrong secret, a correctly signed request for the
   * same key ID inside this window still gets SignatureDoesNotMatch. 0 (default) turns it off.
   */
  readonly quirkWindowMs?: number;
  /** Delay for every answer (identities may add their own). */
  readonly delayMs?: number;
  /** Serve HTTPS with this certificate instead of HTTP. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Server clock (tests of signing-time checks). */
  readonly now?: () => number;
}

export interface FakeSts {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** The most requests it was answering at one time (a client's concurrency limit shows here). */
  readonly maxInFlight: number;
  failure: FailureMode;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  readonly identity?: FakeIdentity;
}

const MESSAGES: Readonly<Record<string, string>> = {
  InvalidClientTokenId: 'The security token included in the request is invalid.',
  SignatureDoesNotMatch:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  ExpiredToken: 'The security token included in the request is expired',
  MissingAuthenticationToken: 'Request is missing Authentication Token',
  IncompleteSignature: 'Authorization header requires host and x-amz-date to be signed.',
  InvalidAction: 'Could not find operation for this request.',
  Throttling: 'Rate exceeded',
  InternalFailure: 'An internal error occurred.',
};

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parseAuthorization(
  header: string,
): { keyId: string; scope: string[]; signedHeaders: string[]; signature: string } | undefined {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (m === null) return undefined;
  const [keyId, ...scope] = (m[1] ?? '').split('/');
  if (keyId === undefined || scope.length !== 4) return undefined;
  return { keyId, scope, signedHeaders: (m[2] ?? '').split(';'), signature: m[3] ?? '' };
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * A local STS for tests: checks SigV4 signatures the way STS does (scope, signing time, signed
 * host and date, session tokens) and answers GetCallerIdentity in XML, or JSON when asked.
 * Listens on 127.0.0.1 only.
 */
export async function startFakeSts(options: FakeStsOptions): Promise<FakeSts> {
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? Date.now;
  const byKey = new Map(options.identities.map((i) => [i.keyId, i]));
  const lastMismatch = new Map<string, number>();
  const requests: RecordedRequest[] = [];

  function check(req: IncomingMessage, body: string): Answer & { keyId?: string; region?: string } {
    const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const params = new URLSearchParams(req.method === 'POST' ? body : query);
    const authorization = req.headers.authorization;
    if (authorization === undefined) return { status: 403, code: 'MissingAuthenticationToken' };
    const auth = parseAuthorization(authorization);
    if (auth === undefined) return { status: 400, code: 'IncompleteSignature' };
    const [date8, scopeRegion, service, terminator] = auth.scope;
    const seen = {
      keyId: auth.keyId,
      ...(scopeRegion === undefined ? {} : { region: scopeRegion }),
    };
    if (!auth.signedHeaders.includes('host') || !auth.signedHeaders.includes('x-amz-date')) {
      return { ...seen, status: 400, code: 'IncompleteSignature' };
    }
    const identity = byKey.get(auth.keyId);
    if (identity === undefined || identity.state === 'inactive') {
      return { ...seen, status: 403, code: 'InvalidClientTokenId' };
    }
    if (req.headers['x-amz-security-token'] !== identity.sessionToken) {
      return { ...seen, status: 403, code: 'InvalidClientTokenId' };
    }
    if (identity.state === 'expired') return { ...seen, status: 403, code: 'ExpiredToken' };
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    const when = Date.parse(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    if (Number.isNaN(when) || date8 !== amzDate.slice(0, 8)) {
      return { ...seen, status: 403, code: 'SignatureDoesNotMatch' };
    }
    if (Math.abs(now() - when) > MAX_SKEW_MS) {
      return {
        ...seen,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: `Signature expired: ${amzDate} is now earlier or later than the allowed window.`,
      };
    }
    if (service !== 'sts' || terminator !== 'aws4_request' || scopeRegion !== region) {
      return {
        ...seen,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: `Credential should be scoped to a valid region.`,
      };
    }
    const raw = req.rawHeaders;
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] ?? '').toLowerCase();
      if (auth.signedHeaders.includes(name)) headers.push([name, raw[i + 1] ?? '']);
    }
    const { canonicalRequest, signedHeaders } = buildCanonicalRequest({
      method: req.method ?? 'GET',
      path,
      query,
      headers,
      payloadHash: sha256Hex(body),
    });
    const key = deriveSigningKey(identity.secret, date8 ?? '', region, 'sts');
    const expected = computeSignature(
      key,
      buildStringToSign(amzDate, auth.scope.join('/'), canonicalRequest),
    );
    if (signedHeaders !== auth.signedHeaders.join(';') || !sameHex(expected, auth.signature)) {
      lastMismatch.set(auth.keyId, now());
      return { ...seen, status: 403, code: 'SignatureDoesNotMatch' };
    }
    const quirk = options.quirkWindowMs ?? 0;
    const mismatchAt = lastMismatch.get(auth.keyId);
    if (quirk > 0 && mismatchAt !== undefined && now() - mismatchAt < quirk) {
      return { ...seen, status: 403, code: 'SignatureDoesNotMatch' };
    }
    if (params.get('Action') !== 'GetCallerIdentity' || params.get('Version') !== '2011-06-15') {
      return { ...seen, status: 400, code: 'InvalidAction' };
    }
    return { ...seen, status: 200, code: 'OK', identity };
  }

  function send(res: ServerResponse, json: boolean, answer: Answer): void {
    const requestId = randomUUID();
    const id = answer.identity;
    let body: string;
    if (id !== undefined) {
      body = json
        ? JSON.stringify({
            GetCallerIdentityResponse: {
              GetCallerIdentityResult: { Account: id.account, Arn: id.arn, UserId: id.userId },
              ResponseMetadata: { RequestId: requestId },
            },
          })
        : `<GetCallerIdentityResponse xmlns="${XMLNS}">\n  <GetCallerIdentityResult>\n    <Arn>${escapeXml(id.arn)}</Arn>\n    <UserId>${escapeXml(id.userId)}</UserId>\n    <Account>${id.account}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`;
    } else {
      const message = answer.message ?? MESSAGES[answer.code] ?? answer.code;
      const type = answer.status >= 500 ? 'Receiver' : 'Sender';
      body = json
        ? JSON.stringify({
            Error: { Type: type, Code: answer.code, Message: message },
            RequestId: requestId,
          })
        : `<ErrorResponse xmlns="${XMLNS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${answer.code}</Code>\n    <Message>${escapeXml(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    }
    res.writeHead(answer.status, {
      'content-type': json ? 'application/json' : 'text/xml',
      'x-amzn-requestid': requestId,
    });
    res.end(body);
  }

  const fake: { failure: FailureMode } = { failure: 'none' };

  let inFlight = 0;
  let maxInFlight = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once('close', () => {
      inFlight--;
    });
    void (async () => {
      const body = await readBody(req);
      const json = (req.headers.accept ?? '').includes('application/json');
      const mode = fake.failure;
      let answer: Answer & { keyId?: string; region?: string };
      if (mode === 'throttle') answer = { status: 400, code: 'Throttling' };
      else if (mode === 'server-error') answer = { status: 500, code: 'InternalFailure' };
      else answer = check(req, body);
      const delay =
        answer.identity?.delayMs ?? byKey.get(answer.keyId ?? '')?.delayMs ?? options.delayMs ?? 0;
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        ...(answer.keyId === undefined ? {} : { keyId: answer.keyId }),
        ...(answer.region === undefined ? {} : { region: answer.region }),
        ...(req.headers.accept === undefined ? {} : { accept: req.headers.accept }),
        ...(req.headers['user-agent'] === undefined
          ? {}
          : { userAgent: req.headers['user-agent'] }),
        hadToken: req.headers['x-amz-security-token'] !== undefined,
        answer: answer.code,
        status: answer.status,
        at: now(),
      });
      if (delay > 0) await sleep(delay);
      if (res.destroyed) return;
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('not an STS answer');
      } else if (mode === 'html-redirect') {
        res.writeHead(302, {
          location: 'http://127.0.0.1:9/elsewhere',
          'content-type': 'text/html',
        });
        res.end('<html>moved</html>');
      } else {
        send(res, json, answer);
      }
    })();
  };

  const server =
    options.tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls === undefined ? 'http' : 'https';

  return {
    url: `${scheme}://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    get failure() {
      return fake.failure;
    },
    set failure(mode: FailureMode) {
      fake.failure = mode;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
