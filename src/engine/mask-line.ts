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
const LONG_RUN = /[A-Za-z0-9+/=%\\]{16,}/g;
const RUN_CHAR = /[A-Za-z0-9+/=%\\]/;

/** Anything long and key-like that no rule claimed is hidden too: the shown line is safe by default. */
function maskLooseRuns(text: string): string {
  return text.replace(LONG_RUN, (run) =>
    /[0-9]/.test(run) && /[A-Za-z]/.test(run) ? '*'.repeat(Math.min(run.length, 32)) : run,
  );
}

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
  let lo = 0;
  let hi = masks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((masks[mid] as MaskSpan).end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The line around [focusStart, focusEnd) with every candidate value masked, trimmed to a window
 * so a minified one-line file shows only the neighbourhood of the finding. `masks` come from
 * `prepareMasks`. Only the window is read: the cost does not grow with the line's length.
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
  let out = '';
  let at = a;
  for (let i = firstEndingAfter(masks, a); i < masks.length; i++) {
    const s = masks[i] as MaskSpan;
    if (s.start >= b) break;
    out += maskLooseRuns(text.slice(at, Math.max(at, s.start))) + s.replacement;
    at = Math.min(s.end, b);
  }
  out += maskLooseRuns(text.slice(at, b));
  if (a > line.start) out = `…${out}`;
  if (b < line.end) out = `${out}…`;
  return out.trim();
}
