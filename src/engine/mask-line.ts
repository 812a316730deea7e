/** A span of the chunk text to replace by its redacted form when the line is shown. */
export interface MaskSpan {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
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
 * The line around [focusStart, focusEnd) with every candidate value masked, trimmed to a window
 * so a minified one-line file shows only the neighbourhood of the finding.
 */
export function maskLine(
  line: string,
  lineStart: number,
  focusStart: number,
  focusEnd: number,
  spans: readonly MaskSpan[],
): string {
  const local = spans
    .map((s) => ({
      start: s.start - lineStart,
      end: s.end - lineStart,
      replacement: s.replacement,
    }))
    .filter((s) => s.end > 0 && s.start < line.length)
    .sort((x, y) => x.start - y.start);
  let a = Math.max(0, Math.min(focusStart - lineStart, line.length) - CONTEXT);
  let b = Math.min(line.length, Math.max(focusEnd - lineStart, 0) + CONTEXT);
  for (const s of local) {
    if (s.start < a && s.end > a) a = Math.max(0, s.start);
    if (s.start < b && s.end > b) b = Math.min(line.length, s.end);
  }
  // Never cut inside a key-like run: a cut piece would slip past the run masking.
  for (let n = 0; n < RUN_EXTEND && a > 0 && RUN_CHAR.test(line.charAt(a - 1)); n++) a--;
  for (let n = 0; n < RUN_EXTEND && b < line.length && RUN_CHAR.test(line.charAt(b)); n++) b++;
  let out = '';
  let at = a;
  for (const s of local) {
    if (s.end <= a || s.start >= b || s.start < at) continue;
    out += maskLooseRuns(line.slice(at, s.start)) + s.replacement;
    at = Math.min(s.end, b);
  }
  out += maskLooseRuns(line.slice(at, b));
  if (a > 0) out = `…${out}`;
  if (b < line.length) out = `${out}…`;
  return out.trim();
}

/**
 * The spans starting in [from, to), from spans sorted by start: each finding masks only its own
 * line's spans, so a file with many findings stays linear instead of quadratic.
 */
export function spansWithin(sorted: readonly MaskSpan[], from: number, to: number): MaskSpan[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid]?.start ?? 0) < from) lo = mid + 1;
    else hi = mid;
  }
  const out: MaskSpan[] = [];
  for (let i = lo; i < sorted.length && (sorted[i]?.start ?? to) < to; i++) {
    out.push(sorted[i] as MaskSpan);
  }
  return out;
}
