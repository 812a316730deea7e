import { describe, expect, it } from 'vitest';
import { createLineIndex } from '../../src/engine/line-index.js';
import { keywordOffsets, regionsAround } from '../../src/engine/scan-regions.js';

describe('keywordOffsets', () => {
  it('finds every occurrence of every keyword', () => {
    expect(keywordOffsets('secret x secret', ['secret', 'x']).sort((a, b) => a - b)).toEqual([
      0, 7, 9,
    ]);
  });
});

describe('regionsAround', () => {
  const text = 'l1\nl2 secret\nl3\nl4\nl5\nl6\n';
  const at = text.indexOf('secret');

  it('covers the anchor line and the lines after it, merged', () => {
    const [region, ...rest] = regionsAround(createLineIndex(text), [
      { offset: at, linesBefore: 0, linesAfter: 2, chars: 400 },
      { offset: at + 1, linesBefore: 0, linesAfter: 1, chars: 400 },
    ]);
    expect(rest).toEqual([]);
    expect(text.slice(region?.start, region?.end)).toBe('l2 secret\nl3\nl4\n');
  });

  it('reaches lines before and after, clamped at the ends of the text', () => {
    const [region] = regionsAround(createLineIndex(text), [
      { offset: at, linesBefore: 5, linesAfter: 9, chars: 400 },
    ]);
    expect(region).toEqual({ start: 0, end: text.length });
    const [mid] = regionsAround(createLineIndex(text), [
      { offset: text.indexOf('l4'), linesBefore: 1, linesAfter: 1, chars: 400 },
    ]);
    expect(text.slice(mid?.start, mid?.end)).toBe('l3\nl4\nl5\n');
  });

  it('cuts a character window on very long lines without splitting a value-like run', () => {
    const long = `${'a '.repeat(5000)}secret=${'B'.repeat(60)} ${'c '.repeat(5000)}`;
    const [region] = regionsAround(createLineIndex(long), [
      { offset: long.indexOf('secret'), linesBefore: 0, linesAfter: 1, chars: 30 },
    ]);
    const slice = long.slice(region?.start, region?.end);
    expect(slice.length).toBeLessThan(200);
    expect(slice).toContain(`secret=${'B'.repeat(60)}`);
  });
});
