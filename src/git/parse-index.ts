import { isUtf8 } from 'node:buffer';
import type { NameList } from '../model/source.js';

/** "DIRC": the index's signature. */
const SIGNATURE = 0x44495243;
const HEADER_BYTES = 12;
/** Ten 32-bit fields before the object id: ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size. */
const STAT_BYTES = 40;
const MODE_AT = 24;
const SIZE_AT = 36;
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

/**
 * Big-endian fields and NUL searches by plain indexing: Buffer's own methods cost ~1 µs a call in
 * Node, and an index of 40,000 entries needed ~250,000 of them (~0.1 s, most of the parse).
 */
function u32(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] as number) << 8) | (b[at + 1] as number);
}

/** The first NUL in b[at, end), or -1. */
function nulIn(b: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end; i++) if (b[i] === 0) return i;
  return -1;
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

/** Version 4 names, each the previous one less some bytes at its end plus a new tail, made whole. */
class ExpandedNames {
  bytes: Buffer;
  fill = 0;
  private readonly limit: number;

  constructor(room: number) {
    // Bounded: a crafted index could make each name one byte longer than the last, quadratic in
    // its size (which git too would have to hold).
    this.limit = NAMES_PER_BYTE * room + NAMES_SLACK;
    this.bytes = Buffer.allocUnsafe(Math.max(1, room));
  }

  /** Appends previous[0, kept) and tail[from, to), then a NUL; false past the bound. */
  add(previous: number, kept: number, tail: Buffer, from: number, to: number): boolean {
    const more = kept + to - from + 1;
    if (this.fill + more > this.bytes.length) {
      const size = Math.max(this.fill + more, 2 * this.bytes.length);
      if (size > this.limit) return false;
      const grown = Buffer.allocUnsafe(size);
      grown.set(this.bytes.subarray(0, this.fill));
      this.bytes = grown;
    }
    this.bytes.copyWithin(this.fill, previous, previous + kept);
    this.bytes.set(tail.subarray(from, to), this.fill + kept);
    this.fill += more;
    this.bytes[this.fill - 1] = 0;
    return true;
  }
}

/** Bytes of an object id: SHA-1 and SHA-256 repositories. */
const HASH_SIZES = [20, 32] as const;

/**
 * The names `git ls-files --cached` lists (each path once, however many conflict stages it has),
 * with their kinds, read from the bytes of an index file (versions 2, 3 and 4); undefined whenever
 * this reader cannot be sure it sees what git would. The entries are laid out for SHA-1 or for
 * SHA-256 object ids, which the file does not say (the repository's config does): the list stands
 * only when exactly one layout reads the whole file (a file read wrongly fails within an entry or
 * two, so trying both costs nothing), and needs no checksum (git does not check it on every read
 * either). Refused as well, and so left to git: a split or a sparse index (the entries are partly
 * elsewhere), an extension git requires and this reader does not know, flags or modes git would
 * refuse or expand, names that hold a NUL or outgrow the file, anything out of bounds. Whatever
 * git then says, or its refusal, stands; and an index git refuses fails the untracked listing too.
 *
 * Version 2 and 3 names are left where they are, in `index` (read it into shared memory, and a
 * worker thread receives the list without a copy); version 4 names are made whole in a new buffer.
 */
export function parseIndex(index: Buffer): NameList | undefined {
  if (index.length < HEADER_BYTES || index.readUInt32BE(0) !== SIGNATURE) return undefined;
  const version = index.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  let found: NameList | undefined;
  for (const hash of HASH_SIZES) {
    const list = parseWith(index, version, hash);
    if (list === undefined) continue;
    if (found !== undefined) return undefined;
    found = list;
  }
  return found;
}

function parseWith(index: Buffer, version: number, hash: number): NameList | undefined {
  const count = index.readUInt32BE(8);
  if (index.length < HEADER_BYTES + hash) return undefined;
  // The file ends with a checksum as long as an object id.
  const end = index.length - hash;
  // Every entry takes more bytes than this: a count beyond it is a lie.
  if (count > (end - HEADER_BYTES) / (STAT_BYTES + hash + 3)) return undefined;
  const expanded = version === 4 ? new ExpandedNames(end - HEADER_BYTES) : undefined;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const kinds = new Uint8Array(count);
  const sizes = new Uint32Array(count);
  let n = 0;
  let at = HEADER_BYTES;
  let previous = 0;
  let previousLength = 0;
  for (let i = 0; i < count; i++) {
    const entry = at;
    const fixed = at + STAT_BYTES + hash;
    if (fixed + 2 > end) return undefined;
    const kind = kindOf(u32(index, at + MODE_AT));
    if (kind === undefined) return undefined;
    const flags = u16(index, fixed);
    let nameAt = fixed + 2;
    if ((flags & FLAG_EXTENDED) !== 0) {
      if (version < 3 || nameAt + 2 > end) return undefined;
      if ((u16(index, nameAt) & ~KNOWN_EXTENDED) !== 0) return undefined;
      nameAt += 2;
    }
    let start: number;
    let length: number;
    if (expanded !== undefined) {
      const strip = varint(index, nameAt, end);
      if (strip === undefined || strip.value > previousLength) return undefined;
      const nul = nulIn(index, strip.next, end);
      if (nul === -1) return undefined;
      start = expanded.fill;
      if (!expanded.add(previous, previousLength - strip.value, index, strip.next, nul))
        return undefined;
      length = expanded.fill - 1 - start;
      at = nul + 1;
    } else {
      // The flags give the length (below 0xFFF): the NUL must follow it. Names holding a NUL are
      // refused with the names' other checks, in one pass (see checkedNames).
      const told = flags & NAME_MASK;
      const nul = told < NAME_MASK ? nameAt + told : nulIn(index, nameAt, end);
      if (nul === -1 || nul >= end || index[nul] !== 0) return undefined;
      start = nameAt;
      length = nul - nameAt;
      // Entries are padded with one to eight NULs to a multiple of eight bytes.
      at += (nameAt - at + length + 8) & ~7;
      if (at > end) return undefined;
    }
    // The flags hold the name's length up to 0xFFF (longer names say 0xFFF).
    if (length === 0 || Math.min(length, NAME_MASK) !== (flags & NAME_MASK)) return undefined;
    const names = expanded?.bytes ?? index;
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
    previous = start;
    previousLength = length;
    if (again) {
      if (expanded !== undefined) {
        expanded.fill = start;
        previous = starts[n - 1] as number;
      }
      continue;
    }
    starts[n] = start;
    ends[n] = start + length;
    kinds[n] = kind;
    sizes[n] = u32(index, entry + SIZE_AT);
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
  const bytes = expanded === undefined ? index : shared(expanded.bytes.subarray(0, expanded.fill));
  const utf8 = checkedNames(bytes, starts.subarray(0, n), ends.subarray(0, n));
  if (utf8 === undefined) return undefined;
  return {
    bytes,
    starts: starts.subarray(0, n),
    ends: ends.subarray(0, n),
    kinds: kinds.subarray(0, n),
    sizes: sizes.subarray(0, n),
    utf8,
  };
}

/** A copy in shared memory: a worker thread receives it without another. */
function shared(bytes: Buffer): Buffer {
  const copy = Buffer.from(new SharedArrayBuffer(Math.max(1, bytes.length)), 0, bytes.length);
  copy.set(bytes);
  return copy;
}

/**
 * Whether every name is valid UTF-8; undefined when one holds a NUL (git would read it shorter
 * than its recorded length). One pass over the names' bytes: most are ASCII, and only a name
 * with another byte is decoded.
 */
function checkedNames(bytes: Buffer, starts: Int32Array, ends: Int32Array): boolean | undefined {
  let utf8 = true;
  for (let i = 0; i < starts.length; i++) {
    const end = ends[i] as number;
    let wide = false;
    for (let at = starts[i] as number; at < end; at++) {
      const b = bytes[at] as number;
      if (b === 0) return undefined;
      if (b >= 0x80) wide = true;
    }
    if (wide && utf8 && !isUtf8(bytes.subarray(starts[i], end))) utf8 = false;
  }
  return utf8;
}
