import { firstIndex } from './first-index.js';
import type { RawMatch } from './match.js';
import type { PairedMatch } from './pair.js';

/**
 * What may stand between a secret given as a call argument and the next argument: the closing
 * quote, a comma, white space (line breaks too), and at most one wrapping call (`Some(`,
 * `Optional.of(`) or a keyword name (`token=`).
 */
const ARGUMENT_GAP =
  /^["'`]?\s*,\s*(?:[A-Za-z_][\w.:]*\s*\(\s*)?(?:[A-Za-z_]\w*\s*[=:]\s*)?[@$]?["'`]?$/;
/** The longest such gap read: a few spaces and a call name, never a line of other code. */
const MAX_GAP = 80;

/**
 * The session-token candidates written as the argument right after the secret of a credential
 * pair: `NewStaticCredentials("ASIA…", "…", "…")` in Go, `AwsSessionCredentials.create(…)` and
 * `BasicSessionCredentials` in Java, `SessionAWSCredentials` in .NET, `Credentials::new(…)` in
 * Rust, positional boto3 arguments. No name says "token" there, but the statement does: a third
 * argument beside an access key ID and its secret, shaped as an STS token, is the session token.
 *
 * Linear after a sort: each token looks up the nearest secret ending before it.
 */
export function positionalTokens(
  pairs: readonly PairedMatch[],
  tokens: readonly RawMatch[],
  text: string,
): Set<RawMatch> {
  const found = new Set<RawMatch>();
  if (pairs.length === 0 || tokens.length === 0) return found;
  const ends = pairs.map((p) => p.secret.end).sort((a, b) => a - b);
  for (const t of tokens) {
    // The last secret end at or before the token's start.
    const end = ends[firstIndex(ends.length, (i) => (ends[i] as number) > t.start) - 1];
    if (end === undefined || t.start - end > MAX_GAP) continue;
    if (ARGUMENT_GAP.test(text.slice(end, t.start))) found.add(t);
  }
  return found;
}
