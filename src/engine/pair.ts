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

/** Candidates kept per secret (nearest first): greedy pairing never looks further in practice. */
const PER_SECRET = 8;
const SECTION_CHARS = 16_000;

/** Blank lines and INI section headers strictly between two lines: profile boundaries. */
function breaksBetween(index: LineIndex, a: number, b: number): number {
  let breaks = 0;
  for (let l = Math.min(a, b) + 1; l < Math.max(a, b); l++) {
    const text = index.lineText(l);
    if (text.trim() === '' || INI_HEADER.test(text)) breaks++;
  }
  return breaks;
}

/** Lines of INI section headers (`[default]`), found once per chunk when a pairing needs them. */
function headerLines(text: string, index: LineIndex): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(/^[ \t]*\[[^\]\n]+\][ \t]*\r?$/gm))
    lines.push(index.lineOf(m.index));
  return lines;
}

/** Index of the first element of a sorted array that is >= value. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when both lines sit in one INI section: the same header above them, none in between. */
function sameSection(headers: readonly number[], a: number, b: number): boolean {
  const top = Math.min(a, b);
  const bottom = Math.max(a, b);
  const above = lowerBound(headers, top + 1) - 1;
  const header = headers[above];
  if (header === undefined || top - header > SECTION_LINES) return false;
  return (headers[above + 1] ?? Number.POSITIVE_INFINITY) > bottom;
}

/**
 * Whether a secret at `lines`/`chars` from a key ID may pair with it: the pack's window; for a
 * labelled secret LABELLED_LINES/CHARS, or (`wide`) anywhere in the same INI section.
 */
function reaches(
  pair: CompiledPair,
  naming: SecretNaming,
  lines: number,
  chars: number,
  wide: boolean,
): boolean {
  if (lines <= pair.withinLines && chars <= pair.withinChars) return true;
  if (naming !== 'labelled') return false;
  if (lines <= Math.max(pair.withinLines, LABELLED_LINES)) {
    return chars <= Math.max(pair.withinChars, LABELLED_CHARS);
  }
  return wide && lines <= SECTION_LINES && chars <= SECTION_CHARS;
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
  text?: string,
): PairingResult {
  const candidates: Candidate[] = [];
  const namings = new Map<RawMatch, SecretNaming>();
  let headers: number[] | undefined;
  const inSection = (a: number, b: number) => {
    headers ??= text === undefined ? [] : headerLines(text, index);
    return sameSection(headers, a, b);
  };
  for (const pair of pairs) {
    const keyIds = matches
      .filter((m) => m.rule.id === pair.keyId)
      .sort((a, b) => a.start - b.start);
    const secrets = matches.filter((m) => m.rule.id === pair.secret);
    if (keyIds.length === 0 || secrets.length === 0) continue;
    const keyLines = keyIds.map((k) => index.lineOf(k.start));
    for (const secret of secrets) {
      let naming = namings.get(secret);
      if (naming === undefined) {
        naming = namingOf(secret);
        namings.set(secret, naming);
      }
      if (naming === 'other') continue;
      const secretLine = index.lineOf(secret.start);
      const within = (span: number, wide: boolean): Candidate[] => {
        const near: Candidate[] = [];
        for (let i = lowerBound(keyLines, secretLine - span); i < keyIds.length; i++) {
          const keyLine = keyLines[i] as number;
          if (keyLine > secretLine + span) break;
          const keyId = keyIds[i] as RawMatch;
          const lines = Math.abs(keyLine - secretLine);
          const after = keyId.start < secret.start;
          const chars = Math.max(0, after ? secret.start - keyId.end : keyId.start - secret.end);
          if (!reaches(pair, naming, lines, chars, wide)) continue;
          if (wide && !inSection(keyLine, secretLine)) continue;
          const plain = naming === 'labelled' ? 0 : 1;
          near.push({ pair, keyId, secret, lines, breaks: 0, plain, before: after ? 0 : 1, chars });
        }
        return near;
      };
      // Near first; only a labelled secret with no key ID near it looks across its INI section.
      let near = within(
        Math.max(pair.withinLines, naming === 'labelled' ? LABELLED_LINES : 0),
        false,
      );
      if (near.length === 0 && naming === 'labelled') near = within(SECTION_LINES, true);
      near.sort((a, b) => a.lines - b.lines || a.chars - b.chars);
      for (const c of near.slice(0, PER_SECRET)) {
        const keyLine = index.lineOf(c.keyId.start);
        candidates.push({ ...c, breaks: breaksBetween(index, keyLine, secretLine) });
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
