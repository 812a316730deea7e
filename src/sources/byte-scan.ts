import { BYTE_SCAN_WASM } from './byte-scan.generated.js';

/** What one pass over some bytes found (see byte-scan.wat). */
export interface ByteScan {
  /** The output bits (bits 0–29) of the keywords that occur: bit w for keyword w unless told otherwise. */
  readonly words: number;
  /** A NUL byte occurs (the bytes may hold UTF-16 text). */
  readonly nul: boolean;
  /** The longest run of base64-like bytes ([A-Za-z0-9+/\%]); exact from 16 up. */
  readonly maxRun: number;
}

/**
 * A SIMD byte scanner with its own memory: bytes are read straight into `arena` (no copy) and
 * scanned in place; bytes elsewhere are copied in first.
 */
export interface ByteScanner {
  /** The scanner's data area, `ARENA_BYTES` long. */
  readonly arena: Buffer;
  /** Scans arena[start, end). */
  scan(start: number, end: number): ByteScan;
  /** Scans bytes held elsewhere (copied into the arena in parts; at most one arena at a time). */
  scanBytes(buf: Buffer, start: number, end: number): ByteScan;
  /**
   * Where the last scan found a keyword starting, as offsets from the start of what it scanned,
   * ascending, each once: every start of every keyword is there. Undefined when there were more
   * than MAX_STARTS (the caller then searches the text itself).
   */
  keywordStarts(): Int32Array | undefined;
}

/** Keywords one scanner tracks at most. */
export const MAX_WORDS = 128;
/** Output bits, beside the NUL bit: keywords beyond this many must share bits. */
export const MAX_BITS = 30;
const MAX_WORD_BYTES = 31;
/** Keyword starts one scan records at most (see byte-scan.wat). */
export const MAX_STARTS = 12288;
const STARTS_OFFSET = 16384;
const ARENA_OFFSET = 65536;
/** Room for one read window and a little slack: the scanner reads one byte past a block. */
export const ARENA_BYTES = 4 * 1024 * 1024;
const NUL_BIT = 0x40000000;
const BUCKETS = 8;

/** The part of the WebAssembly global this file uses (the project's types do not include the DOM's). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: Wasm }).WebAssembly;

interface ScanExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly maxRun: { readonly value: number };
  readonly starts: { readonly value: number };
  scan(start: number, end: number): number;
}

let compiled: object | null | undefined;

function wasmModule(): object | undefined {
  if (compiled === undefined) {
    try {
      if (wasm === undefined) throw new Error('no WebAssembly');
      compiled = new wasm.Module(Buffer.from(BYTE_SCAN_WASM, 'base64'));
    } catch {
      // No WebAssembly SIMD here (an old CPU, a restricted runtime): the reader searches keyword by
      // keyword instead, slower but the same answer.
      compiled = null;
    }
  }
  return compiled ?? undefined;
}

/** Compiles the scanner's WebAssembly now (a worker waiting for its work), not at the first scan. */
export function prepareByteScanner(): void {
  wasmModule();
}

/**
 * Base64-like bytes ([A-Za-z0-9+/\%]) by nibble: a byte belongs when the bits its low and its high
 * nibble look up share one. Groups: 1 = `%` `+` `/` (0x25 0x2B 0x2F), 2 = digits (0x30–0x39),
 * 4 = A–O and a–o (0x41–0x4F, 0x61–0x6F), 8 = P–Z and p–z (0x50–0x5A, 0x70–0x7A), 16 = `\` (0x5C).
 */
const RUN_LO = [10, 14, 14, 14, 14, 15, 14, 14, 14, 14, 12, 5, 20, 4, 4, 5];
const RUN_HI = [0, 0, 1, 2, 4, 24, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0];

/** Where each fingerprint byte's low- and high-nibble tables sit (see byte-scan.wat). */
const TABLES: readonly (readonly [number, number])[] = [
  [0, 16],
  [32, 48],
  [112, 128],
];

/** Buckets kept for the UTF-16 forms when there are any (see bucketsOf). */
const WIDE_BUCKETS = 2;

/**
 * Buckets group keywords that share a first byte and whether their second is NUL (the UTF-16
 * forms): within a bucket the nibble tables mix, so similar keywords together keep false
 * candidates rare. UTF-16 forms get buckets of their own: a bucket whose keywords all have a NUL
 * second byte yields no candidate in text without NULs (most files), however its first bytes mix.
 * The ASCII keys are spread in byte order, so neighbours (`A`/`C`, `_`/`a`) share a bucket.
 */
function bucketsOf(words: readonly Buffer[]): number[] {
  const keys = words.map((w) => `${w[1] === 0 ? 'w' : 'a'}${String.fromCharCode(w[0] as number)}`);
  const wide = [...new Set(keys.filter((k) => k.startsWith('w')))].sort();
  const narrow = [...new Set(keys.filter((k) => k.startsWith('a')))].sort();
  const wideBuckets = wide.length === 0 ? 0 : WIDE_BUCKETS;
  const narrowBuckets = BUCKETS - wideBuckets;
  return keys.map((k) =>
    k.startsWith('w')
      ? narrowBuckets + (wide.indexOf(k) % wideBuckets)
      : Math.floor((narrow.indexOf(k) * narrowBuckets) / narrow.length),
  );
}

/** Writes the bucket tables for `words` (see the memory map in byte-scan.wat). */
function writeTables(mem: Uint8Array, words: readonly Buffer[], bits: readonly number[]): void {
  const view = new DataView(mem.buffer);
  mem.fill(0, 0, ARENA_OFFSET);
  mem.set(RUN_LO, 80);
  mem.set(RUN_HI, 96);
  view.setInt32(160, words.length, true);
  const buckets = bucketsOf(words);
  for (let index = 0; index < words.length; index++) {
    const w = words[index] as Buffer;
    const b = buckets[index] as number;
    const bit = 1 << b;
    // One entry per nibble table for each fingerprint byte: this runs at every start (115
    // keywords), where testing all 16 entries of each table cost a few milliseconds.
    for (let k = 0; k < TABLES.length; k++) {
      const [lo, hi] = TABLES[k] as readonly [number, number];
      const byte = w[k];
      if (byte === undefined) {
        // A keyword shorter than the fingerprint: any byte may follow.
        for (let n = 0; n < 16; n++) {
          mem[lo + n] = (mem[lo + n] as number) | bit;
          mem[hi + n] = (mem[hi + n] as number) | bit;
        }
      } else {
        mem[lo + (byte & 15)] = (mem[lo + (byte & 15)] as number) | bit;
        mem[hi + (byte >> 4)] = (mem[hi + (byte >> 4)] as number) | bit;
      }
    }
    // Bit (index & 63) of the bucket's 64-bit mask, written as the 32-bit half that holds it.
    const half = 256 + b * 16 + (index >> 6) * 8 + ((index & 32) >> 3);
    view.setUint32(half, (view.getUint32(half, true) | (1 << (index & 31))) >>> 0, true);
    mem[512 + index * 32] = w.length;
    mem.set(w, 512 + index * 32 + 1);
    view.setInt32(4608 + index * 4, bits[index] as number, true);
  }
}

/**
 * A scanner for these keywords, or undefined when WebAssembly SIMD is not available or the keywords
 * do not fit (more than MAX_WORDS, an empty one, one longer than 31 bytes, or an output bit
 * outside bits 0–29). `bits[w]` is what keyword w reports (default: bit w, so at most MAX_BITS).
 */
export function createByteScanner(
  words: readonly Buffer[],
  bits: readonly number[] = words.map((_, i) => 2 ** i),
): ByteScanner | undefined {
  if (words.length > MAX_WORDS || words.some((w) => w.length === 0 || w.length > MAX_WORD_BYTES))
    return undefined;
  const allBits = 2 ** MAX_BITS - 1;
  if (
    bits.length !== words.length ||
    bits.some((b) => !Number.isInteger(b) || b <= 0 || (b & allBits) !== b)
  )
    return undefined;
  const module = wasmModule();
  if (module === undefined) return undefined;
  const exports = new (wasm as Wasm).Instance(module).exports as ScanExports;
  // The memory never grows, so these views stay valid.
  const mem = new Uint8Array(exports.memory.buffer);
  writeTables(mem, words, bits);
  const arena = Buffer.from(exports.memory.buffer, ARENA_OFFSET, ARENA_BYTES);
  const starts = new Int32Array(exports.memory.buffer, STARTS_OFFSET, MAX_STARTS);
  /** Where the last scan began, as a memory address (its starts are addresses too). */
  let scanned = 0;
  const scan = (start: number, end: number): ByteScan => {
    scanned = ARENA_OFFSET + start;
    const hits = exports.scan(ARENA_OFFSET + start, ARENA_OFFSET + end);
    return {
      words: hits & ~NUL_BIT,
      nul: (hits & NUL_BIT) !== 0,
      maxRun: exports.maxRun.value,
    };
  };
  return {
    arena,
    scan,
    scanBytes(buf, start, end) {
      if (buf.buffer === exports.memory.buffer) {
        return scan(buf.byteOffset - ARENA_OFFSET + start, buf.byteOffset - ARENA_OFFSET + end);
      }
      if (end - start > ARENA_BYTES) throw new RangeError('scanBytes: more than one arena');
      buf.copy(arena, 0, start, end);
      return scan(0, end - start);
    },
    keywordStarts() {
      const n = exports.starts.value;
      if (n > MAX_STARTS) return undefined;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = (starts[i] as number) - scanned;
      return out;
    },
  };
}
