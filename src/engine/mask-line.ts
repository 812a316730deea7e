import { firstIndex } from './first-index.js';
import { looseSecrets } from './loose-secrets.js';

/** A span of the chunk text to replace by its redacted form when the line is shown. */
export interface MaskSpan {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/** A line of the chunk: [start, end) offsets, terminator excluded. */
export interface LineBounds {
  readonly start: number;
  readonly end: number;
}

const CONTEXT = 80;
const RUN_EXTEND = 120;
const RUN_CHAR = /[A-Za-z0-9+/=%\\]/;
const MAX_STARS = 32;

/**
 * The chunk's mask spans sorted and made disjoint, once per chunk: overlapping spans become one
 * span covering both (shown as the longer one's replacement), so nothing of either shows.
 */
export function prepareMasks(spans: readonly MaskSpan[]): MaskSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: MaskSpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last === undefined || s.start >= last.end) {
      out.push(s);
      continue;
    }
    if (s.end <= last.end) continue;
    const longer = s.end - s.start > last.end - last.start ? s : last;
    out[out.length - 1] = { start: last.start, end: s.end, replacement: longer.replacement };
  }
  return out;
}

/** Index of the first span ending after `offset`, in disjoint spans sorted by start. */
function firstEndingAfter(masks: readonly MaskSpan[], offset: number): number {
  return firstIndex(masks.length, (i) => (masks[i] as MaskSpan).end > offset);
}

/**
 * Loose secrets of [from, to) as chunk offsets, cut around the rule spans (which show their own
 * redacted form), sorted and disjoint, each with its replacement.
 */
function looseSpans(
  text: string,
  from: number,
  to: number,
  masks: readonly MaskSpan[],
): MaskSpan[] {
  const pieces: { start: number; end: number; keep: number }[] = [];
  for (const l of looseSecrets(text.slice(from, to))) {
    const start = from + l.start;
    const end = from + l.end;
    let at = start;
    for (let i = firstEndingAfter(masks, start); i < masks.length; i++) {
      const m = masks[i] as MaskSpan;
      if (m.start >= end) break;
      if (m.start > at) pieces.push({ start: at, end: m.start, keep: at === start ? l.keep : 0 });
      at = Math.max(at, m.end);
    }
    if (at < end) pieces.push({ start: at, end, keep: at === start ? l.keep : 0 });
  }
  pieces.sort((x, y) => x.start - y.start || y.end - x.end);
  const merged: { start: number; end: number; keep: number }[] = [];
  for (const p of pieces) {
    const last = merged.at(-1);
    if (last !== undefined && p.start < last.end) last.end = Math.max(last.end, p.end);
    else merged.push({ ...p });
  }
  return merged.map((p) => {
    const keep = Math.min(p.keep, p.end - p.start - 1);
    const stars = Math.min(p.end - p.start - keep, MAX_STARS);
    return {
      start: p.start,
      end: p.end,
      replacement: text.slice(p.start, p.start + keep) + '*'.repeat(stars),
    };
  });
}

/** Per chunk (its prepared masks) and line start: the line's loose secrets, found once. */
const LOOSE = new WeakMap<readonly MaskSpan[], Map<number, MaskSpan[]>>();

/**
 * The loose secrets of a whole line, found once per line and chunk: a line with 100,000 findings
 * is read once, not once per finding, and no name or value is ever cut by a window edge.
 */
function looseOfLine(text: string, line: LineBounds, masks: readonly MaskSpan[]): MaskSpan[] {
  let byLine = LOOSE.get(masks);
  if (byLine === undefined) {
    byLine = new Map();
    LOOSE.set(masks, byLine);
  }
  let loose = byLine.get(line.start);
  if (loose === undefined) {
    loose = looseSpans(text, line.start, line.end, masks);
    byLine.set(line.start, loose);
  }
  return loose;
}

/**
 * The line around [focusStart, focusEnd) with every candidate value masked, and whatever else on
 * it looks secret (other providers' tokens, values after sensitive names, URL passwords,
 * generated-looking runs), trimmed to a window so a minified one-line file shows only the
 * neighbourhood of the finding. `masks` come from `prepareMasks` (one array per chunk: the line's
 * loose secrets are remembered with it). Per finding only the window is read.
 */
export function maskLine(
  text: string,
  line: LineBounds,
  focusStart: number,
  focusEnd: number,
  masks: readonly MaskSpan[],
): string {
  let a = Math.max(line.start, Math.min(focusStart, line.end) - CONTEXT);
  let b = Math.min(line.end, Math.max(focusEnd, line.start) + CONTEXT);
  // A value cut by the window is shown whole (masked), never as a raw half.
  const atA = masks[firstEndingAfter(masks, a)];
  if (atA !== undefined && atA.start < a) a = Math.max(line.start, atA.start);
  const atB = masks[firstEndingAfter(masks, b)];
  if (atB !== undefined && atB.start < b) b = Math.min(line.end, atB.end);
  // Never cut inside a key-like run: a cut piece would slip past the run masking.
  for (let n = 0; n < RUN_EXTEND && a > line.start && RUN_CHAR.test(text.charAt(a - 1)); n++) a--;
  for (let n = 0; n < RUN_EXTEND && b < line.end && RUN_CHAR.test(text.charAt(b)); n++) b++;
  const loose = looseOfLine(text, line, masks);
  const looseA = loose[firstEndingAfter(loose, a)];
  if (looseA !== undefined && looseA.start < a) a = looseA.start;
  const looseB = loose[firstEndingAfter(loose, b)];
  if (looseB !== undefined && looseB.start < b) b = looseB.end;
  const shown: MaskSpan[] = [];
  for (const list of [masks, loose]) {
    for (let i = firstEndingAfter(list, a); i < list.length; i++) {
      const s = list[i] as MaskSpan;
      if (s.start >= b) break;
      shown.push(s);
    }
  }
  shown.sort((x, y) => x.start - y.start);
  let out = '';
  let at = a;
  for (const s of shown) {
    out += text.slice(at, Math.max(at, s.start)) + s.replacement;
    at = Math.max(at, Math.min(s.end, b));
  }
  out += text.slice(at, b);
  if (a > line.start) out = `…${out}`;
  if (b < line.end) out = `${out}…`;
  return out.trim();
}
