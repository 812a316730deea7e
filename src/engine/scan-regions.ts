/** A half-open span [start, end) of chunk offsets that a rule's regex runs over. */
export interface Region {
  readonly start: number;
  readonly end: number;
}

// Lines longer than this (minified bundles) are cut to a window around the anchor instead.
const LONG_LINE = 4096;
const RUN_CHAR = /[A-Za-z0-9+/=%\\_-]/;
const MAX_RUN_STEP = 2048;

/** Moves a cut point off any base64-like run, so the regex never sees half a value as a whole one. */
function widen(text: string, start: number, end: number): Region {
  let s = Math.max(0, start);
  let e = Math.min(text.length, end);
  for (let n = 0; n < MAX_RUN_STEP && s > 0 && RUN_CHAR.test(text.charAt(s - 1)); n++) s--;
  for (let n = 0; n < MAX_RUN_STEP && e < text.length && RUN_CHAR.test(text.charAt(e)); n++) e++;
  return { start: s, end: e };
}

/** Start of the line holding `offset`, `back` lines earlier (clamped at the text's start). */
function lineStartBefore(text: string, offset: number, back: number): number {
  let at = text.lastIndexOf('\n', offset - 1) + 1;
  for (let n = 0; n < back && at > 0; n++) at = text.lastIndexOf('\n', at - 2) + 1;
  return at;
}

/** End (after the newline) of the line holding `offset`, `ahead` lines later. */
function lineEndAfter(text: string, offset: number, ahead: number): number {
  let at = offset;
  for (let n = 0; n <= ahead; n++) {
    const next = text.indexOf('\n', at);
    if (next === -1) return text.length;
    at = next + 1;
  }
  return at;
}

/**
 * The part of a chunk worth a labelled rule's regex: `linesBefore`..`linesAfter` around each
 * anchor offset, or a character window on very long lines. Merged and sorted. Lines are found
 * from each anchor outwards, so a file with a few anchors never pays for a full line index.
 */
export function regionsAround(
  text: string,
  anchors: readonly {
    readonly offset: number;
    readonly linesBefore: number;
    readonly linesAfter: number;
    readonly chars: number;
  }[],
): Region[] {
  const spans: Region[] = [];
  for (const a of anchors) {
    const lineStart = lineStartBefore(text, a.offset, 0);
    const lineEnd = lineEndAfter(text, a.offset, 0);
    if (lineEnd - lineStart > LONG_LINE && a.linesBefore === 0) {
      spans.push(widen(text, a.offset - a.chars, a.offset + a.chars));
      continue;
    }
    const start = lineStartBefore(text, a.offset, a.linesBefore);
    const end = lineEndAfter(text, a.offset, a.linesAfter);
    spans.push(
      end - start > LONG_LINE * 4
        ? widen(text, a.offset - a.chars, a.offset + a.chars)
        : { start, end },
    );
  }
  spans.sort((x, y) => x.start - y.start);
  const merged: Region[] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last !== undefined && s.start <= last.end)
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, s.end) };
    else merged.push(s);
  }
  return merged;
}

/** Offsets of every occurrence of each keyword (the anchors of a labelled rule). */
export function keywordOffsets(text: string, keywords: readonly string[]): number[] {
  const offsets: number[] = [];
  for (const k of keywords) {
    for (let at = text.indexOf(k); at !== -1; at = text.indexOf(k, at + k.length)) offsets.push(at);
  }
  return offsets;
}
