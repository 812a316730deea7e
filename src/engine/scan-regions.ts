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
  const window = (a: Anchor): Span => ({
    start: Math.max(0, a.offset - a.chars),
    end: Math.min(text.length, a.offset + a.chars),
    softStart: true,
    softEnd: true,
  });
  const endAfter = (line: number) =>
    line >= index.lineCount ? text.length : index.lineStart(line + 1);
  for (const a of anchors) {
    const line = index.lineOf(a.offset);
    const lineStart = index.lineStart(line);
    if (endAfter(line) - lineStart > LONG_LINE && a.linesBefore === 0) {
      spans.push(window(a));
      continue;
    }
    const start = index.lineStart(Math.max(1, line - a.linesBefore));
    const end = endAfter(line + a.linesAfter);
    spans.push(
      end - start > LONG_LINE * 4 ? window(a) : { start, end, softStart: false, softEnd: false },
    );
  }
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
