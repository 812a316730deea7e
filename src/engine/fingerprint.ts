import type { KeyFacts } from '../model/finding.js';
import { sha256Hex } from './redact.js';

/** What of a finding its fingerprint is made of, besides its rule and path. */
export interface FingerprintParts {
  readonly secretHash?: string;
  readonly redacted: string;
  readonly partnerRedacted?: string;
  readonly keyFacts?: KeyFacts;
}

/**
 * A finding's content identity, no line numbers: rule, path and the secret's hash; for a
 * guessable value (a key ID), what the report shows of it instead, so no search can test
 * candidates against it. `path` is the path as reports show it (see shownName): a key ID written
 * in a file's name would otherwise be hashed whole. A value in the name itself is another
 * identity than the same value in the file's content.
 */
export function fingerprintOf(
  ruleId: string,
  path: string,
  parts: FingerprintParts,
  where?: 'name',
): string {
  const identity =
    parts.secretHash ??
    `shown\n${parts.redacted}\n${parts.partnerRedacted ?? ''}\n${parts.keyFacts?.account ?? ''}`;
  const at = where === undefined ? path : `${path}\n(${where})`;
  return sha256Hex(`${ruleId}\n${at}\n${identity}`).slice(0, 32);
}
