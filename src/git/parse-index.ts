import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { NameList } from '../model/source.js';

/** "DIRC": the index's signature. */
const SIGNATURE = 0x44495243;
const HEADER_BYTES = 12;
/** Ten 32-bit fields before the object id: ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size. */
const STAT_BYTES = 40;
const MODE_AT = 24;
const FLAG_EXTENDED = 0x4000;
const STAGE_MASK = 0x3000;
const NAME_MASK = 0x0fff;
/** Extended flags git knows (skip-worktree, intent-to-add); any other bit makes git refuse the index. */
const KNOWN_EXTENDED = 0x6000;
/** Bound on the names of a version 4 index, per byte of its entries, and beyond that. */
const NAMES_PER_BYTE = 4;
const NAMES_SLACK = 1 << 20;
/** Codes in FILE_KINDS. */
const FILE = 0;
const SYMLINK = 1;
const GITLINK = 2;

/** The object format whose checksum ends the index (SHA-1 or SHA-256), or undefined: none matches. */
function hashBytes(index: Buffer): number | undefined {
  for (const [algorithm, size] of [
    ['sha1', 20],
    ['sha256', 32],
  ] as const) {
    if (index.length < HEADER_BYTES + size) continue;
    const end = index.length - size;
    const sum = createHash(algorithm).update(index.subarray(0, end)).digest();
    if (sum.equals(index.subarray(end))) return size;
  }
  return undefined;
}

/** A file's kind by its index mode, or undefined for a mode only git should interpret. */
function kindOf(mode: number): number | undefined {
  switch (mode >>> 12) {
    case 0o10:
      return FILE;
    case 0o12:
      return SYMLINK;
    case 0o16:
      return GITLINK;
    default:
      // 040000 is a sparse index's folder entry, which git expands before listing.
      return undefined;
  }
}

/** Git's varint (each continuation adds one before shifting), or undefined past the end or on overflow. */
function varint(buf: Buffer, at: number, end: number): { value: number; next: number } | undefined {
  if (at >= end) return undefined;
  let c = buf[at++] as number;
  let value = c & 127;
  while ((c & 128) !== 0) {
    if (at >= end || value >= 2 ** 24) return undefined;
    c = buf[at++] as number;
    value = (value + 1) * 128 + (c & 127);
  }
  return { value, next: at };
}

/**
 * The names `git ls-files --cached` lists (each path once, however many conflict stages it has),
 * with their kinds, read from the bytes of an index file (versions 2, 3 and 4); undefined whenever
 * this reader cannot be sure it sees what git would: a checksum that does not match (a damaged or
 * a hash-less index), a split or a sparse index (the entries are partly elsewhere), an extension
 * git requires and this reader does not know, flags or modes git itself would refuse or expand,
 * anything out of bounds. The caller then asks git, whose answer (or refusal) stands.
 * The names are copied side by side, each ended by a NUL.
 */
export function parseIndex(index: Buffer): NameList | undefined {
  if (index.length < HEADER_BYTES || index.readUInt32BE(0) !== SIGNATURE) return undefined;
  const version = index.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const count = index.readUInt32BE(8);
  const hash = hashBytes(index);
  if (hash === undefined) return undefined;
  const end = index.length - hash;
  // Every entry takes more bytes than its name and NUL: this much room holds all the names.
  if (count > (end - HEADER_BYTES) / (STAT_BYTES + hash + 3)) return undefined;
  // Version 2 and 3 names fit in the entries' room; version 4 names share their beginnings, and
  // grow the buffer (up to a bound: a crafted index could make each name one byte longer than the
  // last, quadratic in its size, which git too would have to hold).
  let fill = 0;
  const limit = NAMES_PER_BYTE * (end - HEADER_BYTES) + NAMES_SLACK;
  let names = Buffer.allocUnsafe(Math.max(1, end - HEADER_BYTES));
  const room = (more: number): boolean => {
    if (fill + more <= names.length) return true;
    const size = Math.max(fill + more, 2 * names.length);
    if (size > limit) return false;
    const grown = Buffer.allocUnsafe(size);
    names.copy(grown, 0, 0, fill);
    names = grown;
    return true;
  };
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const kinds = new Uint8Array(count);
  let n = 0;
  let at = HEADER_BYTES;
  // Version 4 names are the previous name, less some bytes at its end, plus a new tail.
  let previous = -1;
  let previousLength = 0;
  for (let i = 0; i < count; i++) {
    const fixed = at + STAT_BYTES + hash;
    if (fixed + 2 > end) return undefined;
    const kind = kindOf(index.readUInt32BE(at + MODE_AT));
    if (kind === undefined) return undefined;
    const flags = index.readUInt16BE(fixed);
    let nameAt = fixed + 2;
    if ((flags & FLAG_EXTENDED) !== 0) {
      if (version < 3 || nameAt + 2 > end) return undefined;
      if ((index.readUInt16BE(nameAt) & ~KNOWN_EXTENDED) !== 0) return undefined;
      nameAt += 2;
    }
    const start = fill;
    let nul: number;
    if (version === 4) {
      const strip = varint(index, nameAt, end);
      if (strip === undefined || strip.value > previousLength) return undefined;
      nul = index.indexOf(0, strip.next);
      if (nul === -1 || nul >= end) return undefined;
      const kept = previousLength - strip.value;
      if (!room(kept + nul - strip.next + 1)) return undefined;
      if (kept > 0) names.copyWithin(fill, previous, previous + kept);
      fill += kept;
      fill += index.copy(names, fill, strip.next, nul);
      at = nul + 1;
    } else {
      nul = index.indexOf(0, nameAt);
      if (nul === -1 || nul >= end) return undefined;
      fill += index.copy(names, fill, nameAt, nul);
      // Entries are padded with one to eight NULs to a multiple of eight bytes.
      at = at + ((nameAt - at + (nul - nameAt) + 8) & ~7);
      if (at > end) return undefined;
    }
    const length = fill - start;
    // The flags hold the name's length up to 0xFFF (longer names say 0xFFF).
    if (length === 0 || Math.min(length, NAME_MASK) !== (flags & NAME_MASK)) return undefined;
    names[fill++] = 0;
    previous = start;
    previousLength = length;
    // Unmerged paths come once per stage (other than 0), one after another: listed once.
    const again =
      n > 0 &&
      (flags & STAGE_MASK) !== 0 &&
      names.compare(
        names,
        starts[n - 1] as number,
        ends[n - 1] as number,
        start,
        start + length,
      ) === 0;
    if (again) {
      fill = start;
      previous = starts[n - 1] as number;
      continue;
    }
    starts[n] = start;
    ends[n] = start + length;
    kinds[n] = kind;
    n++;
  }
  // Extensions: a signature and a size each. An upper-case first letter marks one git may ignore;
  // any other (a split index's link, a sparse index's folders) changes what the entries mean.
  while (at < end) {
    if (at + 8 > end) return undefined;
    const first = index[at] as number;
    if (first < 0x41 || first > 0x5a) return undefined;
    at += 8 + index.readUInt32BE(at + 4);
  }
  if (at !== end) return undefined;
  // In shared memory: a worker thread receives the names without a copy.
  const bytes = new Uint8Array(new SharedArrayBuffer(Math.max(1, fill)), 0, fill);
  bytes.set(names.subarray(0, fill));
  return {
    bytes,
    starts: starts.subarray(0, n),
    ends: ends.subarray(0, n),
    kinds: kinds.subarray(0, n),
    utf8: isUtf8(bytes),
  };
}
