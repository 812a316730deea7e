import type { CredentialCollector } from '../engine/collect-credentials.js';
import type { UserConfig } from '../model/config.js';
import { nodeCrypto } from '../model/node-crypto.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { VerifyOptions } from '../verify/verify-credential.js';
import { assessFindings } from './assess-findings.js';

export interface AssessScanOptions {
  readonly accounts?: UserConfig['accounts'];
  readonly today: string;
  /** `--verify` only: the collector the scan filled, and how to reach STS. */
  readonly verify?: {
    readonly collector: CredentialCollector;
    readonly options: VerifyOptions;
  };
}

/**
 * The step after the filters: allowed accounts are suppressed first, so only the findings left
 * are verified (once, for the whole scan, when `--verify` asked for it); then every finding gets
 * its assessed severity. Raw credentials are dropped from the collector before returning.
 */
export async function assessScan<T extends ScanOutcome>(
  outcome: T,
  options: AssessScanOptions,
): Promise<T> {
  const base = {
    today: options.today,
    ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
  };
  const verify = options.verify;
  if (verify === undefined) return assessFindings(outcome, base);
  try {
    const credentials = verify.collector.credentials();
    const sessionTokens = new Map<string, boolean>();
    for (const c of credentials) {
      if (!c.keyId.startsWith('ASIA')) continue;
      const has = c.sessionToken !== undefined && c.sessionToken !== '';
      sessionTokens.set(c.fingerprint, (sessionTokens.get(c.fingerprint) ?? false) || has);
    }
    const survivors = assessFindings(outcome, base).findings;
    // Loaded only for --verify: the HTTP and TLS stack stays off every other scan's start.
    const { verifyFindings } = await import('./verify-findings.js');
    const verification = await verifyFindings(survivors, credentials, verify.options);
    // A session token reported on its own shares its pair's fate (live, or expired with it).
    const pairOfToken = new Map<string, string>();
    for (const c of credentials) {
      if (c.sessionToken === undefined || !verification.has(c.fingerprint)) continue;
      pairOfToken.set(
        nodeCrypto().createHash('sha256').update(c.sessionToken).digest('hex'),
        c.fingerprint,
      );
    }
    for (const f of survivors) {
      const pair =
        f.kind === 'session-token' && f.secretHash !== undefined
          ? pairOfToken.get(f.secretHash)
          : undefined;
      const result = pair === undefined ? undefined : verification.get(pair);
      if (result !== undefined && !verification.has(f.fingerprint))
        verification.set(f.fingerprint, result);
    }
    return assessFindings(outcome, { ...base, verification, sessionTokens });
  } finally {
    verify.collector.clear();
  }
}
