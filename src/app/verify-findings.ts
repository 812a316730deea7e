import type { RawCredential } from '../engine/collect-credentials.js';
import type { Finding } from '../model/finding.js';
import {
  type VerificationResult,
  type VerifyOptions,
  verifyCredentials,
} from '../verify/verify-credential.js';

/**
 * `--verify`: checks the collected credentials of the findings that survived every filter, in one
 * batch for the whole scan. Credentials of suppressed findings (allowlists, pragmas, baseline,
 * allowed accounts) and of canary accounts are never sent. Results are keyed by fingerprint and
 * hold no secret.
 */
export async function verifyFindings(
  findings: readonly Finding[],
  credentials: readonly RawCredential[],
  options: VerifyOptions = {},
): Promise<Map<string, VerificationResult>> {
  const wanted = new Set(
    findings.filter((f) => f.keyFacts?.canary !== true).map((f) => f.fingerprint),
  );
  const send = credentials.filter((c) => wanted.has(c.fingerprint));
  if (send.length === 0) return new Map();
  return verifyCredentials(send, options);
}
