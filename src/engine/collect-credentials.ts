import type { Finding } from '../model/finding.js';
import type { LineIndex } from './line-index.js';
import type { RawMatch } from './match.js';
import { isPlausibleValue } from './value-checks.js';

/**
 * A raw credential, for the verifier only. It never enters a Finding, a report, a log or an error
 * message; it is keyed by the fingerprint of the pair finding it came from.
 */
export interface RawCredential {
  readonly fingerprint: string;
  readonly keyId: string;
  readonly secret: string;
  /** The nearest labelled session token, for temporary (ASIA) key IDs. */
  readonly sessionToken?: string;
}

/**
 * The explicit opt-in that lets raw values out of the engine: pass one to `detectChunk` only when
 * the user asked for verification. Without it the engine returns findings and nothing else.
 */
export interface CredentialCollector {
  /** The engine's hook, called for every pair finding with the raw matches of its chunk. */
  add(
    finding: Finding | undefined,
    keyId: RawMatch,
    secret: RawMatch,
    matches: readonly RawMatch[],
    index: LineIndex,
  ): void;
  /** Collected credentials, one per distinct fingerprint + key ID + secret + token. */
  credentials(): readonly RawCredential[];
  /** Drops every raw value held (call once verification is done). */
  clear(): void;
}

export interface CollectorOptions {
  /** How far (in lines) from the key ID a session token may be; default 8, like pairing. */
  readonly tokenWithinLines?: number;
}

function nearestToken(
  keyId: RawMatch,
  matches: readonly RawMatch[],
  index: LineIndex,
  withinLines: number,
): string | undefined {
  const keyLine = index.lineOf(keyId.start);
  let best: { value: string; lines: number; chars: number } | undefined;
  for (const m of matches) {
    if (m.rule.kind !== 'session-token') continue;
    if (!isPlausibleValue(m.rule.kind, m.value, m.rule.minEntropy)) continue;
    const lines = Math.abs(index.lineOf(m.start) - keyLine);
    if (lines > withinLines) continue;
    const chars = Math.abs(m.start - keyId.start);
    if (best === undefined || lines < best.lines || (lines === best.lines && chars < best.chars)) {
      best = { value: m.value, lines, chars };
    }
  }
  return best?.value;
}

/**
 * Collects the raw key ID, secret and (for ASIA keys) session token of each pair finding, for
 * `verifyCredentials`. Findings already allowlisted (documentation examples, user allowlist) are
 * skipped: they are never verified.
 */
export function createCredentialCollector(options: CollectorOptions = {}): CredentialCollector {
  const withinLines = options.tokenWithinLines ?? 8;
  const byIdentity = new Map<string, RawCredential>();
  return {
    add(finding, keyId, secret, matches, index) {
      if (
        finding === undefined ||
        finding.kind !== 'credential-pair' ||
        finding.allowedBy !== undefined
      )
        return;
      const token = keyId.value.startsWith('ASIA')
        ? nearestToken(keyId, matches, index, withinLines)
        : undefined;
      const credential: RawCredential = {
        fingerprint: finding.fingerprint,
        keyId: keyId.value,
        secret: secret.value,
        ...(token === undefined ? {} : { sessionToken: token }),
      };
      const identity = [
        credential.fingerprint,
        credential.keyId,
        credential.secret,
        token ?? '',
      ].join('\n');
      if (!byIdentity.has(identity)) byIdentity.set(identity, credential);
    },
    credentials() {
      return [...byIdentity.values()];
    },
    clear() {
      byIdentity.clear();
    },
  };
}
