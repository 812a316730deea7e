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

/**
 * How a secret candidate is named: `labelled` (an AWS secret name, even a generic one such as
 * `secret_key`: the key ID nearby is the AWS context), `plain` (no telling name), or `other`
 * (a name that says it is something else: `checksum`, `sha1`, `jwt_secret`). Others never pair.
 */
export type SecretNaming = 'labelled' | 'plain' | 'other';

/** A labelled secret pairs over a longer reach: config files put other settings in between. */
export const LABELLED_LINES = 20;
export const LABELLED_CHARS = 3000;
/** Inside one INI section (`[profile]` … `secret_key = …`, as in .s3cfg) up to this many lines. */
export const SECTION_LINES = 120;

const INI_HEADER = /^\s*\[[^\]\n]+\]\s*$/;

interface Candidate {
  readonly pair: CompiledPair;
  readonly keyId: RawMatch;
  readonly secret: RawMatch;
  readonly lines: number;
  readonly breaks: number;
  readonly plain: number;
  readonly before: number;
  readonly chars: number;
}

/** Blank lines and INI section headers strictly between two lines: profile boundaries. */
function breaksBetween(index: LineIndex, a: number, b: number): number {
  let breaks = 0;
  for (let l = Math.min(a, b) + 1; l < Math.max(a, b); l++) {
    const text = index.lineText(l);
    if (text.trim() === '' || INI_HEADER.test(text)) breaks++;
  }
  return breaks;
}

/** True when both lines sit in one INI section: a header above them and none in between. */
function sameSection(index: LineIndex, a: number, b: number): boolean {
  const top = Math.min(a, b);
  for (let l = top + 1; l < Math.max(a, b); l++)
    if (INI_HEADER.test(index.lineText(l))) return false;
  for (let l = top; l >= Math.max(1, top - SECTION_LINES); l--) {
    if (INI_HEADER.test(index.lineText(l))) return true;
  }
  return false;
}

function reaches(
  pair: CompiledPair,
  naming: SecretNaming,
  lines: number,
  chars: number,
  index: LineIndex,
  keyLine: number,
  secretLine: number,
): boolean {
  if (lines <= pair.withinLines && chars <= pair.withinChars) return true;
  if (naming !== 'labelled') return false;
  if (lines <= Math.max(pair.withinLines, LABELLED_LINES)) {
    return chars <= Math.max(pair.withinChars, LABELLED_CHARS);
  }
  return lines <= SECTION_LINES && sameSection(index, keyLine, secretLine);
}

/**
 * Pairs each secret with the nearest key ID inside the pair rule's window, each match used once:
 * a file with three profiles yields three pairs, not nine. Ties go to the pair with no blank line
 * or section header between, then to a labelled secret, then to a secret written after its key.
 */
export function pairMatches(
  matches: readonly RawMatch[],
  pairs: readonly CompiledPair[],
  index: LineIndex,
  namingOf: (secret: RawMatch) => SecretNaming = () => 'plain',
): PairingResult {
  const candidates: Candidate[] = [];
  const namings = new Map<RawMatch, SecretNaming>();
  for (const pair of pairs) {
    const keyIds = matches.filter((m) => m.rule.id === pair.keyId);
    const secrets = matches.filter((m) => m.rule.id === pair.secret);
    if (keyIds.length === 0 || secrets.length === 0) continue;
    for (const secret of secrets) {
      let naming = namings.get(secret);
      if (naming === undefined) {
        naming = namingOf(secret);
        namings.set(secret, naming);
      }
      if (naming === 'other') continue;
      const secretLine = index.lineOf(secret.start);
      for (const keyId of keyIds) {
        const keyLine = index.lineOf(keyId.start);
        const lines = Math.abs(keyLine - secretLine);
        const after = keyId.start < secret.start;
        const chars = Math.max(0, after ? secret.start - keyId.end : keyId.start - secret.end);
        if (!reaches(pair, naming, lines, chars, index, keyLine, secretLine)) continue;
        candidates.push({
          pair,
          keyId,
          secret,
          lines,
          breaks: breaksBetween(index, keyLine, secretLine),
          plain: naming === 'labelled' ? 0 : 1,
          before: after ? 0 : 1,
          chars,
        });
      }
    }
  }
  candidates.sort(
    (a, b) =>
      a.lines - b.lines ||
      a.breaks - b.breaks ||
      a.plain - b.plain ||
      a.before - b.before ||
      a.chars - b.chars ||
      a.secret.start - b.secret.start,
  );
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
