import type { CompiledPack, CompiledRule } from '../model/rule.js';
import { firstIndex } from './first-index.js';
import { findMatches, type RawMatch } from './match.js';
import { keywordOffsets } from './scan-regions.js';

/**
 * Packed binary data keeps values next to each other and next to length or type bytes that happen
 * to be letters: a SQLite record stores its columns back to back (`…AKIA…SECRET…`, or a user name
 * glued before the key ID), a `.pyc` follows each string with the next object's type byte (`z`,
 * `N`), a PNG text chunk with its CRC. Every rule's word boundaries, right for text, then fail on
 * both sides. So in text that holds a NUL character (bytes read as UTF-8, or a UTF-16 view of a
 * database page), values of a fixed length (the rule's `minValueRun`: 20 for key IDs, 40 for
 * secrets) are also tried cut out of their neighbours, with the rule's own regex (a user rule's
 * stays on its linear-time engine):
 *
 * - a key ID rule at each of its keywords where it matched nothing;
 * - a secret rule next to each key ID (right after it, right before it) and at both ends of each
 *   longer run of base64-like characters near one (runs are how glued values look), within the
 *   pair's reach capped at GLUE_REACH: packed values sit close.
 *
 * Text without a NUL is untouched: there a letter before or after a value means it is part of a
 * longer word, and the boundaries keep their meaning. In packed data two shapes are still words,
 * not glued values (both seen in system binaries): a value inside a run of more than MAX_RUN
 * base64-like characters (an embedded base64 blob; packed columns are short and break at header
 * bytes), and a key ID without a digit between two capital letters (a table of upper-case words).
 */
export function isPacked(text: string): boolean {
  return text.includes('\0');
}

const GLUE_REACH = 512;
const MAX_RUN = 1024;

/** `[A-Za-z0-9+/=%\\_-]`: characters a glued value and its neighbours run together with. */
function isRunChar(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f ||
    c === 0x3d ||
    c === 0x25 ||
    c === 0x5c ||
    c === 0x5f ||
    c === 0x2d
  );
}

/**
 * Whether [start, end) sits in a run of at most MAX_RUN run characters. `cache` remembers the
 * last run measured: candidates come in order, so each character is looked at about once.
 */
function inShortRun(
  text: string,
  start: number,
  end: number,
  cache: { from: number; to: number },
): boolean {
  if (start < cache.from || end > cache.to) {
    let from = start;
    while (from > 0 && start - from <= MAX_RUN && isRunChar(text.charCodeAt(from - 1))) from--;
    let to = end;
    while (to < text.length && to - from <= MAX_RUN && isRunChar(text.charCodeAt(to))) to++;
    cache.from = from;
    cache.to = to;
  }
  return cache.to - cache.from <= MAX_RUN;
}

const isCapital = (c: number) => c >= 0x41 && c <= 0x5a;

/** A key ID with no digit whose both neighbours are capital letters: a word in a word list. */
function inCapitalWords(text: string, start: number, end: number): boolean {
  return (
    isCapital(text.charCodeAt(start - 1)) &&
    isCapital(text.charCodeAt(end)) &&
    !/[0-9]/.test(text.slice(start, end))
  );
}

/** The rule's value cut out at [start, start + length), when the rule matches exactly that. */
function isolated(text: string, rule: CompiledRule, start: number, length: number): RawMatch[] {
  if (start < 0 || start + length > text.length) return [];
  const m = findMatches(text.slice(start, start + length), rule).find(
    (x) => x.start === 0 && x.end === length,
  );
  return m === undefined ? [] : [{ ...m, start, end: start + length }];
}

const fixedLength = (rule: CompiledRule): number | undefined =>
  rule.kind === 'key-id' || rule.kind === 'secret' ? rule.spec.minValueRun : undefined;

/** Matches sorted by start, none overlapping another (one rule's): a binary search, not a scan. */
function sortedByStart(list: readonly RawMatch[]): RawMatch[] {
  return [...list].sort((a, b) => a.start - b.start);
}

function overlapsAny(sorted: readonly RawMatch[], start: number, end: number): boolean {
  const lo = firstIndex(sorted.length, (i) => (sorted[i] as RawMatch).start >= end);
  // The last match starting before `end` is the only one that can reach past `start`.
  return lo > 0 && (sorted[lo - 1] as RawMatch).end > start;
}

/** Key IDs at keywords the rule's regex passed over (see `isPacked`). */
export function gluedKeyIds(
  text: string,
  rule: CompiledRule,
  found: readonly RawMatch[],
): RawMatch[] {
  const length = fixedLength(rule);
  if (rule.kind !== 'key-id' || length === undefined) return [];
  const own = sortedByStart(found.filter((m) => m.rule === rule));
  const out: RawMatch[] = [];
  let lastEnd = -1;
  const run = { from: 0, to: 0 };
  for (const at of keywordOffsets(text, rule.keywords).sort((a, b) => a - b)) {
    if (at < lastEnd || overlapsAny(own, at, at + length)) continue;
    for (const m of isolated(text, rule, at, length)) {
      if (!inShortRun(text, m.start, m.end, run) || inCapitalWords(text, m.start, m.end)) continue;
      out.push(m);
      lastEnd = m.end;
    }
  }
  return out;
}

/** Secrets glued to the key IDs in `raw`, or near them at the ends of runs (see `isPacked`). */
export function gluedSecrets(
  text: string,
  rule: CompiledRule,
  pack: CompiledPack,
  raw: readonly RawMatch[],
): RawMatch[] {
  const length = fixedLength(rule);
  if (rule.kind !== 'secret' || length === undefined) return [];
  const keyRules = new Set(pack.pairs.filter((p) => p.secret === rule.id).map((p) => p.keyId));
  const reach = Math.min(
    GLUE_REACH,
    ...pack.pairs.filter((p) => p.secret === rule.id).map((p) => p.withinChars),
  );
  const keys = sortedByStart(raw.filter((m) => keyRules.has(m.rule.id)));
  if (keys.length === 0) return [];
  const own = sortedByStart(raw.filter((m) => m.rule === rule));
  const starts = new Set<number>();
  let scannedTo = 0;
  for (const k of keys) {
    starts.add(k.end);
    starts.add(k.start - length);
    // Runs near this key ID, each character looked at once however many key IDs share it.
    let at = Math.max(scannedTo, k.start - reach);
    const to = Math.min(text.length, k.end + reach);
    while (at < to) {
      if (!isRunChar(text.charCodeAt(at))) {
        at++;
        continue;
      }
      const runStart = at;
      while (at < text.length && isRunChar(text.charCodeAt(at))) at++;
      if (at - runStart > length && at - runStart <= MAX_RUN) {
        starts.add(runStart);
        starts.add(at - length);
      }
    }
    scannedTo = Math.max(scannedTo, at);
  }
  const out: RawMatch[] = [];
  let lastEnd = -1;
  for (const s of [...starts].sort((a, b) => a - b)) {
    // Nor a value that is also part of a key ID found there.
    if (s < lastEnd || overlapsAny(own, s, s + length) || overlapsAny(keys, s, s + length))
      continue;
    for (const m of isolated(text, rule, s, length)) {
      out.push(m);
      lastEnd = m.end;
    }
  }
  return out;
}
