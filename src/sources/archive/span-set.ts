/**
 * Byte ranges [start, end) of a zip's entries, kept sorted, to find entries whose data overlaps:
 * the construction of non-recursive zip bombs, where many entries share one compressed kernel.
 * Central directories list entries in file order, so an addition is almost always an append; an
 * out-of-order one costs an array insertion, bounded by the entry limit.
 */
export class SpanSet {
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];

  /** Adds the range, or returns false (adding nothing) when it overlaps one already added. */
  add(start: number, end: number): boolean {
    const starts = this.#starts;
    const ends = this.#ends;
    let lo = 0;
    let hi = starts.length;
    if (hi > 0 && (starts[hi - 1] as number) < start) lo = hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((starts[mid] as number) < start) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && (ends[lo - 1] as number) > start) return false;
    if (lo < starts.length && (starts[lo] as number) < end) return false;
    starts.splice(lo, 0, start);
    ends.splice(lo, 0, end);
    return true;
  }
}
