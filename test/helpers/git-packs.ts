import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { FakePair } from './fake-keys.js';
import type { TempRepo } from './git-repo.js';

// Git packs for the pack reader's tests: made by real git (a fetched thin pack, a bundle with
// prerequisites), or written byte by byte for what git never writes (a delta naming itself).

export const OFS_DELTA = 6;
export const REF_DELTA = 7;

/** An object's id as git computes it (SHA-1 of `<type> <size>\0<content>`), in hex. */
export function gitId(type: string, content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

/**
 * `text` with `pair` redacted in place, the start of each value kept (`AKIA****…`): a version
 * with the key that follows it, stored as a delta on it, copies the labels and those starts and
 * inserts only the rest, in which no rule finds a key. (Git's delta copies where one of the base's
 * 16-byte blocks matches and the match runs 4 bytes past it: the 37 bytes kept between the two
 * values, the secret's label and its first 12 characters, hold one however they fall.)
 */
export function redactedInPlace(text: string, pair: FakePair): string {
  return text
    .replace(pair.id, `${pair.id.slice(0, 4)}${'*'.repeat(pair.id.length - 4)}`)
    .replace(pair.secret, `${pair.secret.slice(0, 12)}${'*'.repeat(pair.secret.length - 12)}`);
}

/** A little-endian 7-bit varint, as a delta's two sizes are written. */
function deltaVarint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return out;
}

/** Delta instructions that copy nothing: on a base of `baseSize` bytes, the result is `bytes`. */
export function insertOnly(baseSize: number, bytes: Buffer): Buffer {
  const out = [...deltaVarint(baseSize), ...deltaVarint(bytes.length)];
  for (let at = 0; at < bytes.length; at += 127) {
    const part = bytes.subarray(at, at + 127);
    out.push(part.length, ...part);
  }
  return Buffer.from(out);
}

/** One pack object: its type-and-size header, its base (an offset or an id) if a delta, its data deflated. */
export function packObject(type: number, data: Buffer, base: Buffer = Buffer.alloc(0)): Buffer {
  const head: number[] = [];
  let rest = Math.floor(data.length / 16);
  head.push((rest > 0 ? 0x80 : 0) | (type << 4) | (data.length & 15));
  while (rest > 0) {
    head.push((rest > 127 ? 0x80 : 0) | (rest & 127));
    rest = Math.floor(rest / 128);
  }
  return Buffer.concat([Buffer.from(head), base, deflateSync(data)]);
}

/** A REF_DELTA object: its base named by id. */
export function refDelta(baseId: string, delta: Buffer): Buffer {
  return packObject(REF_DELTA, delta, Buffer.from(baseId, 'hex'));
}

/** An OFS_DELTA object: its base `back` bytes before it. */
export function ofsDelta(back: number, delta: Buffer): Buffer {
  // Big-endian 7-bit groups, each continuation adding one (git's offset encoding).
  const bytes = [back & 127];
  for (let rest = Math.floor(back / 128); rest > 0; rest = Math.floor(rest / 128)) {
    rest -= 1;
    bytes.unshift(0x80 | (rest & 127));
  }
  return packObject(OFS_DELTA, delta, Buffer.from(bytes));
}

/** A version 2 pack of these objects, with the SHA-1 trailer git writes. */
export function packOf(objects: readonly Buffer[]): Buffer {
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'latin1');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(objects.length, 8);
  const body = Buffer.concat([head, ...objects]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/** One line of `git verify-pack -v`: an object, where it starts, and its base if a delta. */
export interface PackedObject {
  readonly id: string;
  readonly type: string;
  readonly offset: number;
  readonly base?: string;
}

/** The objects of the pack whose index is `idx`, as git lists them. */
export function verifyPack(repo: TempRepo, idx: string): PackedObject[] {
  const rows: PackedObject[] = [];
  for (const line of repo.git('verify-pack', '-v', idx).split('\n')) {
    const m = /^([0-9a-f]{40,64}) (\w+) +\d+ \d+ (\d+)(?: \d+ ([0-9a-f]{40,64}))?$/.exec(line);
    if (m === null) continue;
    const row = { id: m[1] as string, type: m[2] as string, offset: Number(m[3]) };
    rows.push(m[4] === undefined ? row : { ...row, base: m[4] });
  }
  return rows;
}

/** What a fetched pack holds, for asserting its shape. */
export interface FetchedPack {
  readonly path: string;
  readonly data: Buffer;
  readonly objects: readonly PackedObject[];
}

/**
 * `b` fetches `a` (which has committed `first`), then each of `later` is committed in `a` and
 * fetched into `b` at once, the pack kept as received (`transfer.unpackLimit=1`): git sends a
 * thin pack, its deltas on objects `b` has named by id, and index-pack appends those bases at its
 * end. Returns that pack.
 */
export function fetchThin(
  a: TempRepo,
  b: TempRepo,
  file: string,
  first: string,
  later: readonly string[],
): FetchedPack {
  a.write(file, first);
  a.commitAll('first');
  b.git('remote', 'add', 'origin', a.dir);
  b.git('fetch', '-q', 'origin');
  const before = new Set(packIndexes(b));
  for (const [i, text] of later.entries()) {
    a.write(file, text);
    a.commitAll(`later ${i}`);
  }
  b.git('-c', 'transfer.unpackLimit=1', 'fetch', '-q', 'origin');
  const fetched = packIndexes(b).filter((idx) => !before.has(idx));
  if (fetched.length !== 1) throw new Error(`expected one fetched pack, got ${fetched.length}`);
  const idx = fetched[0] as string;
  const path = idx.replace(/\.idx$/, '.pack');
  return { path, data: readFileSync(path), objects: verifyPack(b, idx) };
}

function packIndexes(repo: TempRepo): string[] {
  const dir = join(repo.dir, '.git/objects/pack');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.idx'))
    .map((n) => join(dir, n));
}

/** The type a pack object's first byte says (REF_DELTA 7, OFS_DELTA 6, a whole object 1 to 4). */
export function typeAt(pack: Buffer, offset: number): number {
  return ((pack[offset] as number) >> 4) & 7;
}

/** The deltas of a pack whose base comes after them: named by id, appended by index-pack. */
export function basesAfter(pack: FetchedPack): PackedObject[] {
  const offsets = new Map(pack.objects.map((o) => [o.id, o.offset]));
  return pack.objects.filter(
    (o) =>
      o.base !== undefined &&
      typeAt(pack.data, o.offset) === REF_DELTA &&
      (offsets.get(o.base) ?? -1) > o.offset,
  );
}
