import type { CompiledPair } from '../model/rule.js';
import type { LineIndex } from './line-index.js';
import type { RawMatch } from './match.js';

export interface PairedMatch {
  readonly pair: CompiledPair;
  readonly keyId: RawMatch;
  readonly secret: RawMatch;
}

export interface PairingResult {
  readonly pairs: PairedMatch[];
  readonly unpaired: RawMatch[];
}

interface Candidate {
  readonly pair: CompiledPair;
  readonly keyId: RawMatch;
  readonly secret: RawMatch;
  readonly lines: number;
  readonly chars: number;
}

/**
 * Pairs each secret with the nearest key ID inside the pair rule's window (lines and characters),
 * closest first, each match used once. Nearest-partner, not a cartesian product: a file with
 * three profiles yields three pairs, not nine.
 */
export function pairMatches(
  matches: readonly RawMatch[],
  pairs: readonly CompiledPair[],
  index: LineIndex,
): PairingResult {
  const candidates: Candidate[] = [];
  for (const pair of pairs) {
    const keyIds = matches.filter((m) => m.rule.id === pair.keyId);
    const secrets = matches.filter((m) => m.rule.id === pair.secret);
    if (keyIds.length === 0 || secrets.length === 0) continue;
    for (const secret of secrets) {
      const secretLine = index.lineOf(secret.start);
      for (const keyId of keyIds) {
        const lines = Math.abs(index.lineOf(keyId.start) - secretLine);
        const chars = keyId.start < secret.start ? secret.start - keyId.end : keyId.start - secret.end;
        if (lines <= pair.withinLines && chars <= pair.withinChars) {
          candidates.push({ pair, keyId, secret, lines, chars: Math.max(0, chars) });
        }
      }
    }
  }
  candidates.sort((a, b) => a.lines - b.lines || a.chars - b.chars || a.secret.start - b.secret.start);
  const used = new Set<RawMatch>();
  const paired: PairedMatch[] = [];
  for (const c of candidates) {
    if (used.has(c.keyId) || used.has(c.secret)) continue;
    used.add(c.keyId);
    used.add(c.secret);
    paired.push({ pair: c.pair, keyId: c.keyId, secret: c.secret });
  }
  return { pairs: paired, unpaired: matches.filter((m) => !used.has(m)) };
}
