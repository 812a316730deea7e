import type { Finding } from '../model/finding.js';
import { lowerBound } from './first-index.js';
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

interface TokenTable {
  /** Plausible session tokens sorted by offset, with their offsets and lines. */
  readonly tokens: readonly RawMatch[];
  readonly starts: readonly number[];
  readonly lines: readonly number[];
}

/** Session tokens of a chunk's matches, sorted once per chunk (the engine hands the same array). */
const TOKENS = new WeakMap<readonly RawMatch[], TokenTable>();

function tokenTable(matches: readonly RawMatch[], index: LineIndex): TokenTable {
  let table = TOKENS.get(matches);
  if (table === undefined) {
    const tokens = matches
      .filter(
        (m) =>
          m.rule.kind === 'session-token' &&
          isPlausibleValue(m.rule.kind, m.value, m.rule.minEntropy),
      )
      .sort((a, b) => a.start - b.start);
    table = {
      tokens,
      starts: tokens.map((t) => t.start),
      lines: tokens.map((t) => index.lineOf(t.start)),
    };
    TOKENS.set(matches, table);
  }
  return table;
}

/**
 * The token nearest the key ID: fewest lines away, then fewest characters (the earlier token on a
 * tie). Only the tokens closest to the key on each line within reach are looked at, so a chunk
 * with thousands of pairs and tokens costs each pair a few lookups, not a pass over every match.
 */
function nearestToken(
  keyId: RawMatch,
  matches: readonly RawMatch[],
  index: LineIndex,
  withinLines: number,
): string | undefined {
  const { tokens, starts, lines } = tokenTable(matches, index);
  const keyLine = index.lineOf(keyId.start);
  let best: { value: string; lines: number; chars: number; start: number } | undefined;
  const consider = (i: number) => {
    const m = tokens[i];
    if (m === undefined) return;
    const distance = Math.abs((lines[i] as number) - keyLine);
    if (distance > withinLines) return;
    const chars = Math.abs(m.start - keyId.start);
    if (
      best === undefined ||
      distance < best.lines ||
      (distance === best.lines &&
        (chars < best.chars || (chars === best.chars && m.start < best.start)))
    ) {
      best = { value: m.value, lines: distance, chars, start: m.start };
    }
  };
  for (let line = keyLine - withinLines; line <= keyLine + withinLines; line++) {
    const from = lowerBound(lines, line);
    const to = lowerBound(lines, line + 1);
    if (from === to) continue;
    // On one line the nearest tokens in characters are the two around the key's offset.
    const around = Math.min(Math.max(lowerBound(starts, keyId.start), from), to);
    if (around - 1 >= from) consider(around - 1);
    if (around < to) consider(around);
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
