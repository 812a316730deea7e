import { type PrincipalType, principalOf } from '../engine/assess-severity.js';
import { keyFactsFor } from '../engine/key-facts.js';
import type { Severity } from '../model/finding.js';
import { createHttpClient, type HttpClient, type HttpResponse } from './http-client.js';
import { signV4 } from './sign-v4.js';
import { resolveStsEndpoint, type StsEndpoint } from './sts-endpoint.js';
import { parseStsResponse } from './sts-response.js';

/**
 * A raw credential handed over by the engine's opt-in collector (see
 * src/engine/collect-credentials.ts). It lives only in memory, only for the verifier.
 */
export interface CredentialToVerify {
  /** The finding it belongs to: results are keyed by it. */
  readonly fingerprint: string;
  readonly keyId: string;
  readonly secret: string;
  readonly sessionToken?: string;
}

export interface LiveResult {
  readonly status: 'live';
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
  readonly principal: PrincipalType;
  readonly severity: Severity;
}

export interface InactiveResult {
  readonly status: 'inactive';
  /**
   * `InvalidClientTokenId`: no such key, or deactivated. `SignatureDoesNotMatch`: the key ID is
   * active but the secret found is not its secret. `ExpiredToken`: the session has ended.
   */
  readonly code: string;
}

export type UnknownReason =
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'throttled'
  | 'clock-skew'
  | 'wrong-region'
  | 'http-status'
  | 'unparsed';

export interface UnknownResult {
  readonly status: 'unknown';
  readonly reason: UnknownReason;
  /** `timeout`: how long the call really waited before giving up, in milliseconds. */
  readonly elapsedMs?: number;
  readonly code?: string;
  readonly httpStatus?: number;
}

export type SkipReason =
  | 'canary'
  | 'example'
  | 'missing-session-token'
  | 'unsupported-prefix'
  | 'malformed';

/** Not sent to AWS at all. */
export interface SkippedResult {
  readonly status: 'skipped';
  readonly reason: SkipReason;
}

export type VerificationResult = LiveResult | InactiveResult | UnknownResult | SkippedResult;

export interface VerifyOptions {
  /** From resolveStsEndpoint(process.env) in the CLI; defaults to the global endpoint. */
  readonly endpoint?: StsEndpoint;
  /** Defaults to global fetch without proxy; the CLI passes createHttpClient({ proxy: process.env }). */
  readonly http?: HttpClient;
  /** Per request, default 10 s. */
  readonly timeoutMs?: number;
  /** Requests in flight at once, default 4. */
  readonly concurrency?: number;
  /**
   * AWS answers SignatureDoesNotMatch to a correct secret when the same key ID was just tried with
   * another secret (~5 s). Such a key is retried once after this window. Default 5500 ms.
   */
  readonly quirkWindowMs?: number;
  readonly userAgent?: string;
  /** Ask STS for JSON (default) or its native XML; both are parsed. */
  readonly responseFormat?: 'json' | 'xml';
  /** Cancels everything still pending (results: unknown/aborted). */
  readonly signal?: AbortSignal;
  /** Signing clock (tests). */
  readonly now?: () => Date;
  /** Called as each credential is settled (progress output). */
  readonly onResult?: (fingerprint: string, result: VerificationResult) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_QUIRK_WINDOW_MS = 5_500;
const FORM = 'Action=GetCallerIdentity&Version=2011-06-15';
const INACTIVE = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const SECRET_SHAPE = /^[A-Za-z0-9+/]{40}$/;
const KEY_SHAPE = /^(AKIA|ASIA)[A-Z0-9]{16}$/;

/**
 * Why a credential must not be sent to AWS, or undefined when it may be: documentation examples,
 * canary accounts (calling AWS with them alerts whoever planted them), prefixes that do not sign
 * SigV4 requests, and ASIA keys without their session token.
 */
export function refusalReason(credential: CredentialToVerify): SkipReason | undefined {
  const { keyId, secret, sessionToken } = credential;
  if ([keyId, secret, sessionToken ?? ''].some((v) => v.includes('EXAMPLE'))) return 'example';
  if (!KEY_SHAPE.test(keyId))
    return keyId.startsWith('AKIA') || keyId.startsWith('ASIA')
      ? 'malformed'
      : 'unsupported-prefix';
  if (keyFactsFor(keyId).canary === true) return 'canary';
  if (!SECRET_SHAPE.test(secret)) return 'malformed';
  if (keyId.startsWith('ASIA') && (sessionToken === undefined || sessionToken === ''))
    return 'missing-session-token';
  return undefined;
}

function classify(response: HttpResponse): VerificationResult {
  const answer = parseStsResponse(response.body, response.contentType);
  if (answer.kind === 'identity' && response.status === 200) {
    const principal = principalOf(answer.arn);
    return {
      status: 'live',
      account: answer.account,
      arn: answer.arn,
      userId: answer.userId,
      principal: principal.type,
      severity: principal.severity,
    };
  }
  if (answer.kind === 'error') {
    const { code, message } = answer;
    if (INACTIVE.has(code)) return { status: 'inactive', code: code.replace(/Exception$/, '') };
    if (code === 'SignatureDoesNotMatch') {
      // "Signature expired" / "not yet current": our clock, not the key.
      if (/signature (?:expired|not yet current)/i.test(message)) {
        return { status: 'unknown', reason: 'clock-skew', code, httpStatus: response.status };
      }
      // "Credential should be scoped to a valid region": our endpoint settings, not the key.
      if (/scoped to a valid region|should be scoped/i.test(message)) {
        return { status: 'unknown', reason: 'wrong-region', code, httpStatus: response.status };
      }
      return { status: 'inactive', code };
    }
    if (THROTTLED.has(code))
      return { status: 'unknown', reason: 'throttled', code, httpStatus: response.status };
    return { status: 'unknown', reason: 'http-status', code, httpStatus: response.status };
  }
  return {
    status: 'unknown',
    reason: response.status === 200 ? 'unparsed' : 'http-status',
    httpStatus: response.status,
  };
}

interface Context {
  readonly endpoint: StsEndpoint;
  readonly http: HttpClient;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly accept: string;
  readonly signal: AbortSignal | undefined;
  readonly now: () => Date;
}

function context(options: VerifyOptions): Context {
  return {
    endpoint: options.endpoint ?? resolveStsEndpoint(),
    http: options.http ?? createHttpClient(),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    userAgent: options.userAgent ?? 'keyguard',
    accept: options.responseFormat === 'xml' ? 'text/xml' : 'application/json',
    signal: options.signal,
    now: options.now ?? (() => new Date()),
  };
}

/** One signed GetCallerIdentity call, classified. Never throws for network trouble. */
async function callSts(credential: CredentialToVerify, ctx: Context): Promise<VerificationResult> {
  const cancelled = (): boolean => ctx.signal?.aborted === true;
  if (cancelled()) return { status: 'unknown', reason: 'aborted' };
  const url = new URL('/', ctx.endpoint.url);
  const signed = signV4(
    {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        accept: ctx.accept,
        'user-agent': ctx.userAgent,
      },
      body: FORM,
    },
    {
      accessKeyId: credential.keyId,
      secretAccessKey: credential.secret,
      ...(credential.sessionToken === undefined ? {} : { sessionToken: credential.sessionToken }),
    },
    { service: 'sts', region: ctx.endpoint.region, date: ctx.now() },
  );
  const { host: _host, ...headers } = signed.headers;
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const signal = ctx.signal === undefined ? timeout : AbortSignal.any([timeout, ctx.signal]);
  const startedAt = Date.now();
  try {
    const response = await ctx.http({ url, method: 'POST', headers, body: FORM, signal });
    return classify(response);
  } catch {
    // Error messages can echo request details; report the reason only.
    if (cancelled()) return { status: 'unknown', reason: 'aborted' };
    if (timeout.aborted)
      return { status: 'unknown', reason: 'timeout', elapsedMs: Date.now() - startedAt };
    return { status: 'unknown', reason: 'network' };
  }
}

/**
 * Verifies one credential with STS GetCallerIdentity: live (with account, ARN, user ID and the
 * ARN's severity), inactive, unknown, or skipped without any call (canaries, documentation
 * examples, ASIA without its session token). The result never holds a secret.
 */
export async function verifyCredential(
  credential: CredentialToVerify,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const refusal = refusalReason(credential);
  if (refusal !== undefined) return { status: 'skipped', reason: refusal };
  return callSts(credential, context(options));
}

const RANK: Readonly<Record<VerificationResult['status'], number>> = {
  live: 0,
  unknown: 1,
  inactive: 2,
  skipped: 3,
};

function better(a: VerificationResult | undefined, b: VerificationResult): VerificationResult {
  return a === undefined || RANK[b.status] < RANK[a.status] ? b : a;
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Verifies many credentials: at most `concurrency` calls at once, the candidates of one key ID one
 * after another (AWS's quirk makes parallel tries of one key ID with different secrets unreliable),
 * a single retry after the quirk window when a key ID answered SignatureDoesNotMatch right after
 * another secret was tried with it. Duplicates are sent once. Results are keyed by fingerprint;
 * when a fingerprint has several candidates the best outcome wins (live > unknown > inactive > skipped).
 */
export async function verifyCredentials(
  credentials: readonly CredentialToVerify[],
  options: VerifyOptions = {},
): Promise<Map<string, VerificationResult>> {
  const ctx = context(options);
  const windowMs = options.quirkWindowMs ?? DEFAULT_QUIRK_WINDOW_MS;
  const results = new Map<string, VerificationResult>();
  const settle = (credential: CredentialToVerify, result: VerificationResult): void => {
    const merged = better(results.get(credential.fingerprint), result);
    results.set(credential.fingerprint, merged);
    options.onResult?.(credential.fingerprint, result);
  };

  const groups = new Map<string, CredentialToVerify[]>();
  for (const credential of credentials) {
    const refusal = refusalReason(credential);
    if (refusal !== undefined) {
      settle(credential, { status: 'skipped', reason: refusal });
      continue;
    }
    const group = groups.get(credential.keyId) ?? [];
    group.push(credential);
    groups.set(credential.keyId, group);
  }

  const runGroup = async (group: readonly CredentialToVerify[]): Promise<void> => {
    // doneAt: when the answer arrived, so no earlier than AWS noted the attempt.
    const tried: {
      secret: string;
      token: string | undefined;
      doneAt: number;
      result: VerificationResult;
    }[] = [];
    for (const credential of group) {
      const same = tried.find(
        (t) => t.secret === credential.secret && t.token === credential.sessionToken,
      );
      if (same !== undefined) {
        settle(credential, same.result);
        continue;
      }
      const sentAt = Date.now();
      let result = await callSts(credential, ctx);
      if (result.status === 'inactive' && result.code === 'SignatureDoesNotMatch') {
        const other = tried
          .filter((t) => t.secret !== credential.secret && sentAt - t.doneAt < windowMs)
          .at(-1);
        const otherLive = tried.some((t) => t.result.status === 'live');
        if (other !== undefined && !otherLive) {
          await wait(other.doneAt + windowMs - Date.now(), ctx.signal);
          result = await callSts(credential, ctx);
        }
      }
      tried.push({
        secret: credential.secret,
        token: credential.sessionToken,
        doneAt: Date.now(),
        result,
      });
      settle(credential, result);
    }
  };

  const queue = [...groups.values()];
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, queue.length));
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let group = queue.shift(); group !== undefined; group = queue.shift())
        await runGroup(group);
    }),
  );
  return results;
}
