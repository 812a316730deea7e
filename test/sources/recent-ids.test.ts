import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/sources/recent-ids.js';

describe('RecentIds', () => {
  it('remembers the last capacity-to-twice-capacity ids and forgets older ones', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) ids.add(id);
    expect(['a', 'b', 'c'].every((id) => ids.has(id))).toBe(true);
    // A full generation becomes the older one: everything is still known.
    for (const id of ['d', 'e', 'f']) ids.add(id);
    expect(['a', 'b', 'c', 'd', 'e', 'f'].every((id) => ids.has(id))).toBe(true);
    // The next generation starts: the oldest three are dropped together.
    ids.add('g');
    expect(['a', 'b', 'c'].some((id) => ids.has(id))).toBe(false);
    expect(['d', 'e', 'f', 'g'].every((id) => ids.has(id))).toBe(true);
    expect(ids.has('z')).toBe(false);
  });
});
