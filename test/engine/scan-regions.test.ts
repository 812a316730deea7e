import { describe, expect, it } from 'vitest';
import { createLineIndex } from '../../src/engine/line-index.js';
import { keywordOffsets, lineRegionsAround, regionsAround } from '../../src/engine/scan-regions.js';

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

describe('lineRegionsAround: the same regions without a line index', () => {
  let seed = 11;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  /** Lines of every kind: empty, short, long (past the long-line limit), base64-like runs, CRLF. */
  const line = () => {
    const kind = next(10);
    if (kind === 0) return '';
    if (kind === 1) return 'x'.repeat(3000 + next(3000));
    if (kind === 2) return `k=${'A'.repeat(next(60))} secret ${'b '.repeat(next(40))}\r`;
    return 'ab cd '.repeat(next(12));
  };

  it('agrees with regionsAround on random texts and label anchors', () => {
    for (let round = 0; round < 400; round++) {
      const lines = Array.from({ length: 1 + next(30) }, line);
      const text = lines.join('\n') + (next(2) === 0 ? '\n' : '');
      if (text.length === 0) continue;
      const anchors = Array.from({ length: 1 + next(8) }, () => ({
        offset: next(text.length),
        linesBefore: 0,
        linesAfter: next(4),
        chars: next(2) === 0 ? 400 : 1 + next(50),
      }));
      expect(lineRegionsAround(text, anchors), `round ${round}`).toEqual(
        regionsAround(createLineIndex(text), anchors),
      );
    }
  });

  it('agrees where long lines after the anchor bring the span near its limit', () => {
    for (const n of [3000, 4000, 5000, 5400, 6000]) {
      const text = ['key secret', 'y'.repeat(n), 'z'.repeat(n), 'w'.repeat(n), 'end'].join('\n');
      for (const linesAfter of [1, 2, 3, 4]) {
        const anchors = [{ offset: 4, linesBefore: 0, linesAfter, chars: 400 }];
        expect(lineRegionsAround(text, anchors), `${n} ${linesAfter}`).toEqual(
          regionsAround(createLineIndex(text), anchors),
        );
      }
    }
  });

  it('stays linear on hostile input: 100,000 anchors on one long line and on short lines', () => {
    const long = 'secret '.repeat(100_000);
    const onLong = Array.from({ length: 100_000 }, (_, i) => ({
      offset: i * 7,
      linesBefore: 0,
      linesAfter: 2,
      chars: 400,
    }));
    const short = 'secret\n'.repeat(100_000);
    const onShort = onLong.map((a) => ({ ...a, offset: a.offset }));
    const started = Date.now();
    expect(lineRegionsAround(long, onLong)).toEqual(regionsAround(createLineIndex(long), onLong));
    expect(lineRegionsAround(short, onShort)).toEqual(
      regionsAround(createLineIndex(short), onShort),
    );
    // A ceiling that only a quadratic scan reaches (the two calls take milliseconds).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses an anchor that reaches lines before its own (pairs use the index)', () => {
    expect(() =>
      lineRegionsAround('a\nb', [{ offset: 2, linesBefore: 1, linesAfter: 0, chars: 9 }]),
    ).toThrow(RangeError);
  });
});
