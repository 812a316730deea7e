import type { Finding } from '../model/finding.js';

/**
 * The AWS account a finding's key ID encodes, as reports show it: the 12 digits, or
 * `not decodable (legacy key ID)` for IDs that do not carry one; undefined when the finding has
 * no key ID (a lone secret or token).
 */
export function accountText(f: Finding): string | undefined {
  if (f.keyFacts === undefined) return undefined;
  return f.keyFacts.account ?? 'not decodable (legacy key ID)';
}
