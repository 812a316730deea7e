import { type ByteScan, MAX_BITS, MAX_WORDS } from './byte-scan.js';

/** What one rule needs to find in the bytes before its regex can match. */
export interface ByteRule {
  /** The output bits of the rule's keywords (see `ByteFilter.bits`): one of them must occur. */
  readonly mask: number;
  /** Every value of the rule holds a run of this many base64-like bytes (0: no such promise). */
  readonly minRun: number;
}

/**
 * The byte-level check the reader runs before decoding anything: bytes that hold no keyword of any
 * rule (in ASCII/UTF-8 or in UTF-16, either byte order, any alignment), or none with the run of
 * base64-like bytes its values need, can hold no finding: they are counted but never turned into
 * text.
 */
export interface ByteFilter {
  /** The keywords as ASCII/UTF-8 bytes, then as UTF-16; undefined when every window must be decoded. */
  readonly words?: readonly Buffer[];
  /** The scanner output bit of each of `words` (keywords with the same meaning share one). */
  readonly bits?: readonly number[];
  readonly rules?: readonly ByteRule[];
  /** From one scanner pass: some rule can match in these bytes' UTF-8 view. */
  wants(scan: ByteScan): boolean;
  /**
   * From one scanner pass: some keyword occurs as UTF-16 text (the UTF-16 views are worth it).
   * Absent when the UTF-16 forms did not fit in the scanner: then they are searched where NULs are.
   */
  readonly wants16?: (scan: ByteScan) => boolean;
  /**
   * From one scanner pass: a keyword of an encoded key occurs (a base64 or escaped key ID may be
   * there, see FilterRule.encoded). Absent when no such keywords were given or they did not fit.
   */
  readonly encoded?: (scan: ByteScan) => boolean;
  /** Without a scanner: some keyword occurs as ASCII/UTF-8 bytes in [start, end). */
  ascii(buf: Buffer, start: number, end: number): boolean;
  /** Some keyword occurs as UTF-16 text (`A\0K\0I\0A` matches both byte orders) in [start, end). */
  utf16(buf: Buffer, start: number, end: number): boolean;
}

/** No keywords to rely on (a rule without any): every window is decoded. */
export const DECODE_EVERYTHING: ByteFilter = {
  wants: () => true,
  wants16: () => true,
  ascii: () => true,
  utf16: () => true,
};

/** `AKIA` → the bytes `41 00 4B 00 49 00 41`: the trailing NUL is left out, so big-endian text
 * (`00 41 00 4B …`) contains the same run one byte later. */
function utf16Form(keyword: string): Buffer {
  const le = Buffer.from(keyword, 'utf16le');
  return le.subarray(0, le.length - 1);
}

function anyOf(words: readonly Buffer[], buf: Buffer, start: number, end: number): boolean {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  for (const w of words) if (view.includes(w)) return true;
  return false;
}

/** What a rule brings to the filter: its keywords, and the value run it promises (if any). */
export interface FilterRule {
  readonly keywords: readonly string[];
  readonly minRun?: number;
  /**
   * The keywords of an encoded key (base64 or escaped key IDs): looked for as ASCII only (their
   * UTF-16 forms would take scanner slots for nothing), and reported by `ByteFilter.encoded`.
   */
  readonly encoded?: boolean;
}

/**
 * Output bits for keyword forms: forms with the same meaning (the same rules, the same form: ASCII
 * or UTF-16) share one, since `wants`, `wants16` and `encoded` only ask which rules' keywords
 * occur. Past MAX_BITS meanings, bits are shared further (a rule is then wanted for another's
 * keyword too: more windows decoded, never fewer).
 */
function bitsOf(meanings: readonly string[]): number[] {
  const distinct = [...new Set(meanings)];
  return meanings.map((m) => 2 ** (distinct.indexOf(m) % MAX_BITS));
}

/**
 * A filter over the rules' keywords; a rule without keywords (or no rules given) means every window
 * must be decoded. Keywords outside ASCII are matched as UTF-8 and UTF-16 bytes alike.
 */
export function createByteFilter(rules: readonly FilterRule[] | undefined): ByteFilter {
  if (rules === undefined || rules.some((r) => r.keywords.filter((k) => k !== '').length === 0))
    return DECODE_EVERYTHING;
  const unique = [...new Set(rules.flatMap((r) => r.keywords))].filter((k) => k !== '');
  const ascii = unique.map((k) => Buffer.from(k, 'utf8'));
  const wide = new Set(rules.filter((r) => r.encoded !== true).flatMap((r) => r.keywords));
  const asciiOnly = new Set(
    rules.filter((r) => r.encoded === true).flatMap((r) => r.keywords.filter((k) => !wide.has(k))),
  );
  const wideWords = unique.filter((k) => !asciiOnly.has(k) && utf16Form(k).length > 0);
  const utf16 = wideWords.map(utf16Form);
  // What a keyword means: the rules it belongs to.
  const owners = (k: string) =>
    rules.flatMap((r, i) => (r.keywords.includes(k) ? [i] : [])).join(',');
  // The scanner looks for both forms in one pass, the UTF-16 ones after the ASCII ones, when they
  // fit in its keyword slots and their meanings in its bits; otherwise UTF-16 is searched for only
  // where a NUL byte occurs.
  const asciiMeanings = unique.map((k) => `a${owners(k)}`);
  const wideMeanings = wideWords.map((k) => `w${owners(k)}`);
  const both =
    ascii.length + utf16.length <= MAX_WORDS &&
    new Set([...asciiMeanings, ...wideMeanings]).size <= MAX_BITS;
  const bits = bitsOf(both ? [...asciiMeanings, ...wideMeanings] : asciiMeanings);
  const bitOf = new Map(unique.map((k, i) => [k, bits[i] as number]));
  const utf16Mask = both ? bits.slice(ascii.length).reduce((m, b) => m | b, 0) : 0;
  const byteRules = rules.map((r) => ({
    mask: r.keywords.reduce((m, k) => m | (bitOf.get(k) ?? 0), 0),
    minRun: r.minRun ?? 0,
  }));
  // Encoded keywords are told apart only when their bits are theirs alone.
  const encodedRules = byteRules.filter((_, i) => rules[i]?.encoded === true);
  const plainMask = byteRules.reduce((m, r, i) => (rules[i]?.encoded === true ? m : m | r.mask), 0);
  const encodedKnown =
    encodedRules.length > 0 && encodedRules.every((r) => r.mask > 0 && (r.mask & plainMask) === 0);
  return {
    words: both ? [...ascii, ...utf16] : ascii,
    bits,
    rules: byteRules,
    wants: (scan) => byteRules.some((r) => (scan.words & r.mask) !== 0 && scan.maxRun >= r.minRun),
    ...(both ? { wants16: (scan: ByteScan) => (scan.words & utf16Mask) !== 0 } : {}),
    ...(encodedKnown
      ? {
          encoded: (scan: ByteScan) =>
            encodedRules.some((r) => (scan.words & r.mask) !== 0 && scan.maxRun >= r.minRun),
        }
      : {}),
    ascii: (buf, start, end) => anyOf(ascii, buf, start, end),
    utf16: (buf, start, end) => anyOf(utf16, buf, start, end),
  };
}
