import { describe, expect, it } from 'vitest';
import { firstIndex, lowerBound } from '../../src/engine/first-index.js';

describe('firstIndex and lowerBound', () => {
  it('finds the first index where a sorted condition holds, or the length', () => {
    const a = [1, 3, 3, 5, 8];
    expect(firstIndex(a.length, (i) => (a[i] as number) > 3)).toBe(3);
    expect(firstIndex(a.length, (i) => (a[i] as number) > 9)).toBe(5);
    expect(firstIndex(0, () => true)).toBe(0);
    expect([0, 1, 3, 4, 8, 9].map((v) => lowerBound(a, v))).toEqual([0, 0, 1, 3, 4, 5]);
  });
});
