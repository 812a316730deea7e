import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleByteScan } from '../../scripts/wasm.mjs';
import { createByteFilter } from '../../src/sources/byte-filter.js';
import {
  ARENA_BYTES,
  createByteScanner,
  MAX_BITS,
  MAX_STARTS,
  MAX_WORDS,
} from '../../src/sources/byte-scan.js';

const ROOT = join(import.meta.dirname, '..', '..');
const WORDS = [
  'AKIA',
  'ABIA',
  'ACCA',
  'ASIA',
  'cret',
  'CRET',
  'c_key',
  'C_KEY',
  'YXdz',
  'JpZ2lu',
  'k',
];

/** The same answers, the slow and obvious way. */
function reference(buf: Buffer, words: readonly Buffer[]) {
  let run = 0;
  let maxRun = 0;
  for (const b of buf) {
    run = /[A-Za-z0-9+/\\%]/.test(String.fromCharCode(b)) ? run + 1 : 0;
    maxRun = Math.max(maxRun, run);
  }
  return {
    words: words.reduce((m, w, i) => (buf.includes(w) ? m | (1 << i) : m), 0),
    nul: buf.includes(0),
    maxRun,
  };
}

/** Every offset where some keyword starts and fits before the end, ascending, each once. */
function referenceStarts(buf: Buffer, words: readonly Buffer[]): number[] {
  const out: number[] = [];
  for (let at = 0; at < buf.length; at++) {
    if (words.some((w) => at + w.length <= buf.length && buf.subarray(at, at + w.length).equals(w)))
      out.push(at);
  }
  return out;
}

/** Deterministic pseudo-random bytes drawn from a small alphabet, so keywords and runs occur. */
function randomBuffer(seed: number, length: number): Buffer {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s;
  };
  const alphabet = Buffer.from('AKISBCcretCRET_kYXdzJpZ2lu= \n\0/+%\\\xff');
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = alphabet[next() % alphabet.length] as number;
  // A long run somewhere, of a random length.
  const runAt = next() % Math.max(1, length);
  const runLength = next() % 130;
  for (let i = runAt; i < Math.min(length, runAt + runLength); i++) out[i] = 0x61 + (i % 26);
  return out;
}

describe('the SIMD byte scanner (byte-scan.wat)', () => {
  it('is what npm run build:wasm assembles from byte-scan.wat', async () => {
    const committed = readFileSync(join(ROOT, 'src/sources/byte-scan.generated.ts'), 'utf8');
    // On failure: run `npm run build:wasm` and commit the result.
    expect(committed === (await assembleByteScan()), 'byte-scan.generated.ts is stale').toBe(true);
  });

  it('agrees with the obvious reference on every keyword, NUL and run, at every length', () => {
    const words = WORDS.map((w) => Buffer.from(w));
    const scanner = createByteScanner(words);
    expect(scanner, 'WebAssembly SIMD runs on every Node keyguard supports').toBeDefined();
    if (scanner === undefined) return;
    for (let seed = 1; seed <= 400; seed++) {
      const buf = randomBuffer(seed, seed % 3 === 0 ? seed * 7 : seed % 97);
      const got = scanner.scanBytes(buf, 0, buf.length);
      const want = reference(buf, words);
      expect(got.words, `seed ${seed}`).toBe(want.words);
      expect(got.nul, `seed ${seed}`).toBe(want.nul);
      // Exact from 16 up: runs below that never decide anything.
      if (want.maxRun >= 16 || got.maxRun >= 16)
        expect(got.maxRun, `seed ${seed}`).toBe(want.maxRun);
    }
  });

  it('finds a keyword at every offset of a block, and none past the end it was given', () => {
    const scanner = createByteScanner([Buffer.from('AKIA')]);
    if (scanner === undefined) throw new Error('no scanner');
    for (let at = 0; at < 40; at++) {
      const buf = Buffer.alloc(64, 0x2e);
      buf.write('AKIA', at);
      expect(scanner.scanBytes(buf, 0, buf.length).words, `at ${at}`).toBe(1);
      // Cut inside the keyword: not found.
      expect(scanner.scanBytes(buf, 0, at + 3).words, `cut at ${at}`).toBe(0);
    }
  });

  it('records where every keyword starts, at every length and offset of the arena', () => {
    const words = WORDS.map((w) => Buffer.from(w));
    const scanner = createByteScanner(words);
    if (scanner === undefined) throw new Error('no scanner');
    for (let seed = 1; seed <= 400; seed++) {
      const buf = randomBuffer(seed, seed % 3 === 0 ? seed * 7 : seed % 97);
      const want = referenceStarts(buf, words);
      // Bytes elsewhere (copied in), and in place at an offset that moves the block edges.
      scanner.scanBytes(buf, 0, buf.length);
      expect(Array.from(scanner.keywordStarts() ?? [-1]), `seed ${seed}`).toEqual(want);
      const at = seed % 37;
      buf.copy(scanner.arena, at);
      scanner.scanBytes(scanner.arena, at, at + buf.length);
      expect(Array.from(scanner.keywordStarts() ?? [-1]), `seed ${seed} at ${at}`).toEqual(want);
    }
  });

  it('says when more keywords start than it keeps, and keeps exactly that many', () => {
    const scanner = createByteScanner([Buffer.from('k')]);
    if (scanner === undefined) throw new Error('no scanner');
    scanner.scanBytes(Buffer.alloc(MAX_STARTS, 'k'), 0, MAX_STARTS);
    expect(scanner.keywordStarts()?.length).toBe(MAX_STARTS);
    scanner.scanBytes(Buffer.alloc(MAX_STARTS + 1, 'k'), 0, MAX_STARTS + 1);
    expect(scanner.keywordStarts()).toBeUndefined();
    // Each scan starts its own count.
    scanner.scanBytes(Buffer.from('..k..'), 0, 5);
    expect(Array.from(scanner.keywordStarts() ?? [])).toEqual([2]);
  });

  it('scans the arena in place, and bytes elsewhere up to one arena', () => {
    const scanner = createByteScanner([Buffer.from('cret')]);
    if (scanner === undefined) throw new Error('no scanner');
    scanner.arena.write('a secret here', 100);
    expect(scanner.scan(100, 113).words).toBe(1);
    expect(scanner.scanBytes(scanner.arena, 100, 113).words).toBe(1);
    expect(() => scanner.scanBytes(Buffer.alloc(ARENA_BYTES + 1), 0, ARENA_BYTES + 1)).toThrow();
  });

  it('declines what it cannot track: too many keywords, keywords too long, bits out of range', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`w${i}`));
    expect(createByteScanner(many(MAX_WORDS + 1), Array(MAX_WORDS + 1).fill(1))).toBeUndefined();
    // Without bits of their own choosing, each keyword needs its own bit.
    expect(createByteScanner(many(MAX_BITS + 1))).toBeUndefined();
    expect(createByteScanner([Buffer.alloc(32, 0x41)])).toBeUndefined();
    expect(createByteScanner([Buffer.from('AKIA')], [2 ** MAX_BITS])).toBeUndefined();
    expect(createByteScanner([Buffer.from('AKIA')], [0])).toBeUndefined();
  });

  it('reports the bit each keyword was given: up to MAX_WORDS keywords sharing bits', () => {
    // Every keyword of 64 distinct ones, each reporting bit (index % 7): the reference again.
    const words = Array.from({ length: MAX_WORDS }, (_, i) =>
      Buffer.from(
        `${'AKISBCcretCRET_kYXdzJpZ2lu'[i % 26]}${String.fromCharCode(97 + (i % 23))}${i}`,
      ),
    );
    const bits = words.map((_, i) => 2 ** (i % 7));
    const scanner = createByteScanner(words, bits);
    if (scanner === undefined) throw new Error('no scanner');
    for (let seed = 1; seed <= 200; seed++) {
      const buf = randomBuffer(seed, 300);
      // Plant a few keywords at random places.
      for (let k = 0; k < 3; k++) {
        const w = words[(seed * 7 + k * 13) % words.length] as Buffer;
        w.copy(buf, (seed * 31 + k * 97) % (buf.length - w.length));
      }
      const want = words.reduce((m, w, i) => (buf.includes(w) ? m | (bits[i] as number) : m), 0);
      expect(scanner.scanBytes(buf, 0, buf.length).words, `seed ${seed}`).toBe(want);
    }
  });

  it('wants a rule only with one of its keywords and the value run it promises', () => {
    const filter = createByteFilter([{ keywords: ['AKIA'] }, { keywords: ['cret'], minRun: 40 }]);
    const scan = (words: number, maxRun: number) => filter.wants({ words, nul: false, maxRun });
    expect(scan(0b01, 0)).toBe(true);
    expect(scan(0b10, 39)).toBe(false);
    expect(scan(0b10, 40)).toBe(true);
    expect(scan(0, 400)).toBe(false);
  });

  it('gives keywords of the same rules one bit, so more keywords fit in the scanner', () => {
    const filter = createByteFilter([
      { keywords: ['AKIA', 'ABIA'] },
      { keywords: ['cret', 'aws', 'AWS'], minRun: 40 },
      { keywords: ['QUtJ', 'FLSU'], minRun: 24, encoded: true },
    ]);
    const ascii = filter.bits?.slice(0, 7);
    expect(ascii?.[0]).toBe(ascii?.[1]);
    expect(new Set(ascii?.slice(2, 5)).size).toBe(1);
    expect(ascii?.[5]).toBe(ascii?.[6]);
    expect(new Set(ascii).size).toBe(3);
    // UTF-16 forms report their own bits (encoded keywords have none).
    expect(filter.words?.length).toBe(12);
    expect(filter.wants16).toBeDefined();
    const awsBit = filter.bits?.[3] as number;
    expect(filter.wants({ words: awsBit, nul: false, maxRun: 40 })).toBe(true);
    expect(filter.encoded?.({ words: awsBit, nul: false, maxRun: 40 })).toBe(false);
    expect(filter.wants16?.({ words: awsBit, nul: false, maxRun: 40 })).toBe(false);
  });

  it('shares bits further past 30 meanings, wanting more windows, never fewer', () => {
    const rules = Array.from({ length: 40 }, (_, i) => ({ keywords: [`k${i}x`] }));
    const filter = createByteFilter(rules);
    expect(filter.wants16).toBeUndefined();
    filter.bits?.forEach((bit, i) => {
      expect(filter.wants({ words: bit, nul: false, maxRun: 0 }), `keyword ${i}`).toBe(true);
    });
  });
});
