import type { LineIndex } from './line-index.js';

/** A half-open span [start, end) of chunk offsets that a rule's regex runs over. */
export interface Region {
  readonly start: number;
  readonly end: number;
}

/** Where a labelled rule's regex should look: lines around `offset`, or a character window. */
export interface Anchor {
  readonly offset: number;
  readonly linesBefore: number;
  readonly linesAfter: number;
  readonly chars: number;
}

// Lines longer than this (minified bundles) are cut to a window around the anchor instead.
const LONG_LINE = 4096;
const MAX_RUN_STEP = 2048;

/** Characters of a base64-like run (`[A-Za-z0-9+/=%\\_-]`), as a table: one lookup per step. */
const RUN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%\\_-')
  RUN_CHAR[c.charCodeAt(0)] = 1;

function isRunChar(text: string, at: number): boolean {
  return RUN_CHAR[text.charCodeAt(at)] === 1;
}

interface Span {
  start: number;
  end: number;
  /** A character-window edge: moved off any base64-like run before the regex sees it. */
  softEnd: boolean;
  softStart: boolean;
}

/** Moves a cut point off any base64-like run, so the regex never sees half a value as a whole one. */
function widenStart(text: string, start: number): number {
  let s = start;
  for (let n = 0; n < MAX_RUN_STEP && s > 0 && isRunChar(text, s - 1); n++) s--;
  return s;
}

function widenEnd(text: string, end: number): number {
  let e = end;
  for (let n = 0; n < MAX_RUN_STEP && e < text.length && isRunChar(text, e); n++) e++;
  return e;
}

/** Merges overlapping or touching spans sorted by start; a soft edge wins a tie with a hard one. */
function merge(sorted: readonly Span[]): Span[] {
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged.at(-1);
    if (last === undefined || s.start > last.end) {
      merged.push({ ...s });
      continue;
    }
    if (s.end > last.end) {
      last.end = s.end;
      last.softEnd = s.softEnd;
    } else if (s.end === last.end) last.softEnd ||= s.softEnd;
  }
  return merged;
}

/**
 * The part of a chunk worth a labelled rule's regex: `linesBefore`..`linesAfter` around each
 * anchor offset, or a character window on very long lines. Merged and sorted.
 *
 * Linear in the anchors (plus a sort): lines come from the index, and character windows are
 * merged before their edges are moved off base64-like runs, so a line with 100,000 anchors
 * widens a handful of edges, not 200,000. Widening the merged edges gives the same regions as
 * widening each window first: widening never moves one edge past another window's edge, and a
 * run never crosses the newline a line-based edge sits next to.
 */
export function regionsAround(index: LineIndex, anchors: readonly Anchor[]): Region[] {
  const text = index.text;
  const spans: Span[] = [];
  const endAfter = (line: number) =>
    line >= index.lineCount ? text.length : index.lineStart(line + 1);
  for (const a of anchors) {
    const line = index.lineOf(a.offset);
    const lineStart = index.lineStart(line);
    const start = index.lineStart(Math.max(1, line - a.linesBefore));
    spans.push(
      spanOf(text, a, start, endAfter(line) - lineStart, () => endAfter(line + a.linesAfter)),
    );
  }
  return mergedRegions(text, spans);
}

/**
 * The same regions as regionsAround, for anchors that reach no line before their own (a label's
 * anchors), found without a line index: each anchor's lines are read around it. Most chunks only
 * have such anchors and no match at all, and then need no index over the whole text (on the
 * bench tree, indexes of 76 MB of text: ~60 ms). Linear: anchors are taken in text order, a
 * line's start is searched back no further than the line the previous anchor ended, and each
 * anchor reads forward over its own lines only, cut short past LONG_LINE * 4.
 */
export function lineRegionsAround(text: string, anchors: readonly Anchor[]): Region[] {
  const sorted = [...anchors].sort((x, y) => x.offset - y.offset);
  const spans: Span[] = [];
  // The start and end (after its newline) of the line the previous anchor is on.
  let knownStart = 0;
  let knownEnd = 0;
  for (const a of sorted) {
    if (a.linesBefore !== 0) throw new RangeError('lineRegionsAround: an anchor reaches back');
    if (a.offset >= knownEnd) {
      let s = a.offset;
      while (s > knownEnd && text.charCodeAt(s - 1) !== LF) s--;
      knownStart = s;
      knownEnd = nextLineStart(text, a.offset);
    }
    const lineStart = knownStart;
    const lineEnd = knownEnd;
    spans.push(
      spanOf(text, a, lineStart, lineEnd - lineStart, () => {
        let end = lineEnd;
        for (let n = 0; n < a.linesAfter && end < text.length; n++) {
          if (end - lineStart > LONG_LINE * 4) break;
          end = nextLineStart(text, end);
        }
        return end;
      }),
    );
  }
  return mergedRegions(text, spans);
}

const LF = 10;

/** Where the line holding `at` ends, after its newline (the text's end for its last line). */
function nextLineStart(text: string, at: number): number {
  const lf = text.indexOf('\n', at);
  return lf === -1 ? text.length : lf + 1;
}

/**
 * One anchor's span: from `start` (its line, or lines before) to `end()` (lines after), or a
 * character window when its own line (`lineLength`, newline included) is very long and it reaches
 * no line before, or when the lines make a span past LONG_LINE * 4.
 */
function spanOf(
  text: string,
  a: Anchor,
  start: number,
  lineLength: number,
  end: () => number,
): Span {
  if (lineLength > LONG_LINE && a.linesBefore === 0) return windowOf(text, a);
  const e = end();
  return e - start > LONG_LINE * 4
    ? windowOf(text, a)
    : { start, end: e, softStart: false, softEnd: false };
}

function windowOf(text: string, a: Anchor): Span {
  return {
    start: Math.max(0, a.offset - a.chars),
    end: Math.min(text.length, a.offset + a.chars),
    softStart: true,
    softEnd: true,
  };
}

/** Spans sorted, merged, their character-window edges moved off base64-like runs, merged again. */
function mergedRegions(text: string, spans: Span[]): Region[] {
  spans.sort((x, y) => x.start - y.start);
  const widened = merge(spans).map((s) => ({
    start: s.softStart ? widenStart(text, s.start) : s.start,
    end: s.softEnd ? widenEnd(text, s.end) : s.end,
    softStart: false,
    softEnd: false,
  }));
  return merge(widened).map((s) => ({ start: s.start, end: s.end }));
}

/** Offsets of every occurrence of each keyword (the anchors of a labelled rule). */
export function keywordOffsets(text: string, keywords: readonly string[]): number[] {
  const offsets: number[] = [];
  for (const k of keywords) {
    for (let at = text.indexOf(k); at !== -1; at = text.indexOf(k, at + k.length)) offsets.push(at);
  }
  return offsets;
}
