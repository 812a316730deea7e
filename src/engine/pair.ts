import type { PairBasis } from '../model/finding.js';
import type { CompiledPair } from '../model/rule.js';
import { lowerBound } from './first-index.js';
import type { LineIndex } from './line-index.js';
import type { RawMatch } from './match.js';

export interface PairedMatch {
  readonly pair: CompiledPair;
  readonly keyId: RawMatch;
  readonly secret: RawMatch;
  readonly basis: PairBasis;
}

export interface PairingResult {
  readonly pairs: PairedMatch[];
  readonly unpaired: RawMatch[];
}

/**
 * How a secret candidate is named: `labelled` (an AWS secret name, even a generic one such as
 * `secret_key`: the key ID nearby is the AWS context), `credential` (a generic credential name:
 * `password`, `key`), `plain` (no name: a call argument, a CSV field, a value on its own line),
 * `named` (assigned to a name that is none of these: `trace_id: …`, `state=…`), or `other` (a
 * name that says it is something else: `checksum`, `sha1`, `jwt_secret`). Named and other
 * values never pair: a random 40-character value under its own name is not a key's secret.
 */
export type SecretNaming = 'labelled' | 'credential' | 'plain' | 'named' | 'other';

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
  readonly naming: SecretNaming;
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
function breaksBetween(isBreak: (line: number) => boolean, a: number, b: number): number {
  let breaks = 0;
  for (let l = Math.min(a, b) + 1; l < Math.max(a, b); l++) if (isBreak(l)) breaks++;
  return breaks;
}

/**
 * Whether each line is a profile boundary, decided once per line: a candidate near a 1 MB line
 * must not trim and test that line again for every secret.
 */
function breakLines(index: LineIndex): (line: number) => boolean {
  const known = new Map<number, boolean>();
  return (line) => {
    let hit = known.get(line);
    if (hit === undefined) {
      const start = index.contentStart(line);
      hit =
        start >= index.lineEnd(line) ||
        (index.text.charCodeAt(start) === 0x5b && INI_HEADER.test(index.lineText(line)));
      known.set(line, hit);
    }
    return hit;
  };
}

/** Lines of INI section headers (`[default]`), found once per chunk when a pairing needs them. */
function headerLines(text: string, index: LineIndex): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(/^[ \t]*\[[^\]\n]+\][ \t]*\r?$/gm))
    lines.push(index.lineOf(m.index));
  return lines;
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

/** True when an INI section header sits strictly between the two lines. */
function headerBetween(headers: readonly number[], a: number, b: number): boolean {
  const next = headers[lowerBound(headers, Math.min(a, b) + 1)];
  return next !== undefined && next < Math.max(a, b);
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

function basisOf(c: Candidate): PairBasis {
  if (c.naming === 'labelled') return 'label';
  if (c.naming === 'credential') return 'credential-name';
  return c.lines === 0 ? 'same-statement' : 'adjacent';
}

/** Key IDs of one pair rule, sorted by offset, with the span of each line that holds some. */
interface KeyTable {
  readonly keys: readonly RawMatch[];
  /** Distinct lines holding a key ID, ascending, and where each line's keys start in `keys`. */
  readonly lines: readonly number[];
  readonly firstKey: readonly number[];
}

function keyTable(keys: readonly RawMatch[], index: LineIndex): KeyTable {
  const lines: number[] = [];
  const firstKey: number[] = [];
  keys.forEach((k, i) => {
    const line = index.lineOf(k.start);
    if (lines.at(-1) !== line) {
      lines.push(line);
      firstKey.push(i);
    }
  });
  firstKey.push(keys.length);
  return { keys, lines, firstKey };
}

/**
 * The key IDs of one line in order of character distance to `secret` (ties: the earlier key),
 * while `accept` holds; at most `limit` of them. Distance grows in both directions from the
 * secret, so the walk stops at the first key out of reach instead of visiting the whole line.
 */
function nearestOnLine(
  table: KeyTable,
  at: number,
  secret: RawMatch,
  limit: number,
  accept: (chars: number) => boolean,
): { keyId: RawMatch; chars: number; after: boolean }[] {
  const from = table.firstKey[at] ?? 0;
  const to = table.firstKey[at + 1] ?? from;
  let split = from;
  let hi = to;
  while (split < hi) {
    const mid = (split + hi) >> 1;
    if ((table.keys[mid] as RawMatch).start < secret.start) split = mid + 1;
    else hi = mid;
  }
  const out: { keyId: RawMatch; chars: number; after: boolean }[] = [];
  let left = split - 1;
  let right = split;
  const charsOf = (i: number, after: boolean): number => {
    const k = table.keys[i] as RawMatch;
    return Math.max(0, after ? secret.start - k.end : k.start - secret.end);
  };
  while (out.length < limit) {
    const l = left >= from ? charsOf(left, true) : Number.POSITIVE_INFINITY;
    const r = right < to ? charsOf(right, false) : Number.POSITIVE_INFINITY;
    const takeLeft = l <= r;
    const chars = takeLeft ? l : r;
    if (chars === Number.POSITIVE_INFINITY || !accept(chars)) break;
    out.push({
      keyId: table.keys[takeLeft ? left-- : right++] as RawMatch,
      chars,
      after: takeLeft,
    });
  }
  return out;
}

/**
 * Pairs each secret with the nearest key ID inside the pair rule's window, each match used once:
 * a file with three profiles yields three pairs, not nine. Ties go to the pair with no blank line
 * or section header between, then to a labelled secret, then to a secret written after its key.
 *
 * Each secret looks at the lines holding key IDs nearest first and, on each line, at the key IDs
 * nearest to it first, and stops once it has its PER_SECRET nearest candidates: a line of
 * 100,000 key IDs costs each secret a few lookups, not 100,000.
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
  const isBreak = breakLines(index);
  let headers: number[] | undefined;
  const sections = () => {
    headers ??= text === undefined ? [] : headerLines(text, index);
    return headers;
  };
  const inSection = (a: number, b: number) => sameSection(sections(), a, b);
  for (const pair of pairs) {
    const keyIds = matches
      .filter((m) => m.rule.id === pair.keyId)
      .sort((a, b) => a.start - b.start);
    const secrets = matches.filter((m) => m.rule.id === pair.secret);
    if (keyIds.length === 0 || secrets.length === 0) continue;
    const table = keyTable(keyIds, index);
    for (const secret of secrets) {
      let naming = namings.get(secret);
      if (naming === undefined) {
        naming = namingOf(secret);
        namings.set(secret, naming);
      }
      if (naming === 'other' || naming === 'named') continue;
      const secretLine = index.lineOf(secret.start);
      // Key lines nearest first (the line above before the line below at equal distance, as
      // the earlier key wins a tie); each line's keys nearest first. Sorting by (lines, chars)
      // and keeping the first PER_SECRET then only needs the lines up to the PER_SECRET-th hit.
      const within = (span: number, wide: boolean): Candidate[] => {
        const near: Candidate[] = [];
        let below = lowerBound(table.lines, secretLine);
        let above = below - 1;
        const lineAt = (i: number) => table.lines[i] as number;
        while (near.length < PER_SECRET) {
          const up = above >= 0 ? secretLine - lineAt(above) : Number.POSITIVE_INFINITY;
          const down =
            below < table.lines.length ? lineAt(below) - secretLine : Number.POSITIVE_INFINITY;
          const lines = Math.min(up, down);
          if (lines > span) break;
          const level: Candidate[] = [];
          for (const at of up === lines && down === lines
            ? [above, below]
            : [up === lines ? above : below]) {
            const keyLine = lineAt(at);
            // A labelled secret never pairs with a key ID of another INI section, however near:
            // with long sections, the next profile's key ID is nearer than its own.
            if (
              wide
                ? !inSection(keyLine, secretLine)
                : naming === 'labelled' && headerBetween(sections(), keyLine, secretLine)
            )
              continue;
            const accept = (chars: number) => reaches(pair, naming, lines, chars, wide);
            for (const hit of nearestOnLine(table, at, secret, PER_SECRET, accept)) {
              const plain = naming === 'labelled' ? 0 : 1;
              const before = hit.after ? 0 : 1;
              level.push({
                pair,
                keyId: hit.keyId,
                secret,
                naming,
                lines,
                breaks: 0,
                plain,
                before,
                chars: hit.chars,
              });
            }
          }
          if (up === lines) above--;
          if (down === lines) below++;
          level.sort((a, b) => a.chars - b.chars || a.keyId.start - b.keyId.start);
          for (const c of level) near.push(c);
        }
        return near;
      };
      // Near first; only a labelled secret with no key ID near it looks across its INI section.
      let near = within(
        Math.max(pair.withinLines, naming === 'labelled' ? LABELLED_LINES : 0),
        false,
      );
      if (near.length === 0 && naming === 'labelled') near = within(SECTION_LINES, true);
      for (const c of near.slice(0, PER_SECRET)) {
        const keyLine = index.lineOf(c.keyId.start);
        candidates.push({ ...c, breaks: breaksBetween(isBreak, keyLine, secretLine) });
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
    paired.push({ pair: c.pair, keyId: c.keyId, secret: c.secret, basis: basisOf(c) });
  }
  return { pairs: paired, unpaired: matches.filter((m) => !used.has(m)) };
}
