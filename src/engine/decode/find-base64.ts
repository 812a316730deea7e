import type { Base64Fingerprint } from './base64-fingerprints.js';

/** A run of encoded text found in a text, with its decoded bytes. */
export interface Base64Run {
  readonly start: number;
  readonly end: number;
  readonly bytes: Buffer;
  /** The run is a JWT's payload (`eyJ….<run>.…`). */
  readonly jwt: boolean;
}

/** base64 and base64url characters (`=` only ends a run). */
const B64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_')
  B64[c.charCodeAt(0)] = 1;
const isB64 = (text: string, at: number) => B64[text.charCodeAt(at)] === 1;

/**
 * How far a run is read on each side of the fingerprint that selected it: an encoded env file or
 * JSON document keeps its labels within a few kilobytes of its key, and a hostile 10 MB run costs
 * one bounded window per fingerprint, never the whole run again.
 */
export const BASE64_REACH = 6144;
/** A line of wrapped base64 (`base64` prints 76 characters a line, PEM 64): shorter ones end a run. */
const WRAPPED_LINE = 60;

/** Whitespace that may sit between the lines of wrapped base64: a line break and an indent. */
function skipBreakForward(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === 13) i++;
  if (text.charCodeAt(i) !== 10) return at;
  i++;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  return i;
}

/** The line from `at` is base64 to its end (padding allowed): a piece of wrapped base64. */
function wholeLine(text: string, at: number, limit: number): boolean {
  let i = at;
  while (i < limit && isB64(text, i)) i++;
  if (i >= limit) return true;
  while (i < text.length && text.charCodeAt(i) === 61) i++;
  const c = text.charCodeAt(i);
  return i > at && (i === text.length || c === 10 || c === 13);
}

/** Extends a run backwards over base64 characters, across the breaks of wrapped base64. */
function runStart(text: string, from: number, limit: number): number {
  let at = from;
  for (;;) {
    while (at > limit && isB64(text, at - 1)) at--;
    if (at <= limit) return at;
    // At a wrapped line's start: continue on the line above when it ends with a full-width run.
    let i = at;
    while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
    if (i === 0 || text.charCodeAt(i - 1) !== 10) return at;
    let j = i - 1;
    if (j > 0 && text.charCodeAt(j - 1) === 13) j--;
    let k = j;
    while (k > limit && isB64(text, k - 1)) k--;
    if (j - k < WRAPPED_LINE) return at;
    at = j;
  }
}

/**
 * Extends a run (which starts at `start`) forwards from `from` over base64 characters, the
 * breaks of wrapped base64, and up to two `=` of padding.
 */
function runEnd(text: string, start: number, from: number, limit: number): number {
  let at = from;
  let lineFrom = from;
  while (lineFrom > start && isB64(text, lineFrom - 1)) lineFrom--;
  for (;;) {
    while (at < limit && isB64(text, at)) at++;
    const next = skipBreakForward(text, at);
    // A full-width line followed by a line of nothing but base64: wrapped base64 continues.
    if (
      next === at ||
      next >= limit ||
      at - lineFrom < WRAPPED_LINE ||
      !wholeLine(text, next, limit)
    )
      break;
    at = next;
    lineFrom = next;
  }
  for (let n = 0; n < 2 && at < text.length && text.charCodeAt(at) === 61; n++) at++;
  return at;
}

/** The base64 characters of text[start, end) (line breaks and indents of wrapped runs dropped). */
function b64Chars(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  return /[\s]/.test(slice) ? slice.replace(/\s+/g, '') : slice;
}

/** `eyJ` (`{"` in base64) then base64url and a dot just before `at`: `at` starts a JWT payload. */
function isJwtPayload(text: string, at: number): boolean {
  if (at < 5 || text.charCodeAt(at - 1) !== 46) return false;
  let i = at - 1;
  while (i > 0 && at - i < 4096 && isB64(text, i - 1)) i--;
  return text.startsWith('eyJ', i);
}

/**
 * The base64 runs of `text` that hold one of `fingerprints` at the position its phase allows,
 * decoded from the group the fingerprint fixes (so a run is decoded at the alignment that makes
 * the word appear, whatever precedes it). Each run is read within BASE64_REACH of the first
 * fingerprint in it; later fingerprints inside a decoded window are skipped, so the work is
 * linear in the text.
 */
export function findBase64Runs(text: string, finder: RegExp, phases: ReadonlyMap<string, number>) {
  const runs: Base64Run[] = [];
  let done = 0;
  finder.lastIndex = 0;
  for (let m = finder.exec(text); m !== null; m = finder.exec(text)) {
    const at = m.index;
    if (at < done) continue;
    const phase = phases.get(m[0]) ?? 0;
    const lo = Math.max(done, at - BASE64_REACH);
    const start = runStart(text, at, lo);
    const end = runEnd(text, start, at, Math.min(text.length, at + BASE64_REACH));
    // Characters of the run before the fingerprint, and how many of them to drop so that the
    // fingerprint lands on its phase.
    const before = b64Chars(text, start, at).length;
    const drop = (((before - phase) % 4) + 4) % 4;
    const chars = b64Chars(text, start, end).slice(drop);
    runs.push({
      start,
      end,
      bytes: Buffer.from(chars, 'base64'),
      jwt: isJwtPayload(text, start),
    });
    done = end;
    finder.lastIndex = Math.max(finder.lastIndex, end);
  }
  return runs;
}

/** The finder for a set of fingerprints: one alternation, longest first, and each one's phase. */
export function base64Finder(fingerprints: readonly Base64Fingerprint[]): {
  finder: RegExp;
  phases: Map<string, number>;
} {
  const phases = new Map<string, number>();
  for (const f of fingerprints) if (!phases.has(f.text)) phases.set(f.text, f.phase);
  const words = [...phases.keys()].sort((a, b) => b.length - a.length);
  const escaped = words.map((w) => w.replace(/[+/]/g, '\\$&'));
  return { finder: new RegExp(escaped.join('|'), 'g'), phases };
}

/**
 * A run of at least `min` base64 characters starting within text[from, to) (the value after a
 * secret's label), read up to BASE64_REACH: what a labelled secret written in base64 looks like.
 */
export function base64RunsIn(text: string, from: number, to: number, min: number): Base64Run[] {
  const runs: Base64Run[] = [];
  let at = from;
  while (at < to) {
    while (at < to && !isB64(text, at)) at++;
    if (at >= to) break;
    if (at > 0 && isB64(text, at - 1)) {
      // Started inside a run (the window's edge): skip to its end.
      while (at < text.length && isB64(text, at)) at++;
      continue;
    }
    const end = runEnd(text, at, at, Math.min(text.length, at + BASE64_REACH));
    const chars = b64Chars(text, at, end);
    if (chars.length >= min) {
      runs.push({
        start: at,
        end,
        bytes: Buffer.from(chars, 'base64'),
        jwt: isJwtPayload(text, at),
      });
    }
    at = end;
  }
  return runs;
}
