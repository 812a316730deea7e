import type { BaselineEntry } from '../model/finding.js';

/**
 * How a baseline entry's hash is named in reports (stale entries): a prefix of its keyed or
 * unguessable hash, never anything of an old plain hash, which may be of a guessable key ID.
 */
export function staleHash(e: BaselineEntry): string {
  if (e.secretHmac !== undefined) return `hmac:${e.secretHmac.slice(0, 12)}…`;
  if (e.legacy === true || e.secretHash === undefined) return 'legacy entry';
  return `sha256:${e.secretHash.slice(0, 12)}…`;
}
