import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/sources/read-ahead.js';

async function* numbers(n: number, log: number[], failAt?: number) {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error('producer failed');
    log.push(i);
    yield i;
  }
}

describe('readAhead', () => {
  it('keeps order and runs ahead by at most the limit', async () => {
    const produced: number[] = [];
    const seen: number[] = [];
    for await (const x of readAhead(numbers(50, produced), 4)) {
      await new Promise((r) => setTimeout(r, 1));
      expect(produced.length - seen.length).toBeLessThanOrEqual(5);
      seen.push(x);
    }
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('passes a producer failure on', async () => {
    const run = async () => {
      for await (const _ of readAhead(numbers(10, [], 3), 2)) {
        // consume
      }
    };
    await expect(run()).rejects.toThrow(/producer failed/);
  });

  it('stopping early stops the producer', async () => {
    const produced: number[] = [];
    for await (const x of readAhead(numbers(1000, produced), 3)) if (x === 2) break;
    expect(produced.length).toBeLessThan(10);
  });
});
