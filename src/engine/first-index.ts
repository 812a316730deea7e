/**
 * The first index in [0, length) at which `reached` holds, for a `reached` that is false up to
 * some index and true from there on (a sorted array searched by binary search); `length` when it
 * never holds. One search for every sorted list the engine keeps (offsets, spans, matches).
 */
export function firstIndex(length: number, reached: (i: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reached(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first element of a sorted array that is >= value. */
export function lowerBound(sorted: readonly number[], value: number): number {
  return firstIndex(sorted.length, (i) => (sorted[i] as number) >= value);
}
