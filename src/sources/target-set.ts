import { isUtf8 } from 'node:buffer';
import { type PathText, pathText } from '../model/path-text.js';
import {
  FILE_KINDS,
  type FileKind,
  type FileTarget,
  type PackedFiles,
  type TargetSet,
} from '../model/source.js';
import type { SearchedNames } from './name-candidates.js';

const SLASH = Buffer.from('/');

/** Joins a folder and a path listed under it: a string, or bytes when the name is not UTF-8. */
export function joinBytes(folder: string, rel: Buffer): string | Buffer {
  if (isUtf8(rel)) return `${folder}${folder.endsWith('/') ? '' : '/'}${rel.toString('utf8')}`;
  return Buffer.concat([Buffer.from(folder), folder.endsWith('/') ? Buffer.alloc(0) : SLASH, rel]);
}

/** How many files a set holds. */
export function targetCount(set: TargetSet): number {
  let n = set.files.length;
  for (const p of set.packs) n += p.starts.length;
  return n;
}

/** A typed array as a Buffer over the same memory (a worker receives plain Uint8Arrays). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

type Target = { -readonly [K in keyof FileTarget]: FileTarget[K] };

/** File `i` of a pack, as the reader takes it. */
function packedTarget(pack: PackedFiles, bytes: Buffer, i: number): FileTarget {
  const start = pack.starts[i] as number;
  const end = pack.ends[i] as number;
  const code = pack.kinds[i] as number;
  let t: Target;
  if (pack.utf8) {
    // Valid UTF-8 (the common case, checked once for the whole list): strings straight away.
    const path = bytes.toString('utf8', start, end);
    const base = pack.base;
    t = { abs: `${base}${base.endsWith('/') ? '' : '/'}${path}`, path };
  } else {
    const name = bytes.subarray(start, end);
    t = { abs: joinBytes(pack.base, name), ...pathText(name) };
  }
  if (code !== 0) t.kind = FILE_KINDS[code] as FileKind;
  t.root = pack.base;
  if (pack.sizes !== undefined) t.size = pack.sizes[i] as number;
  return t;
}

/**
 * Files `from` up to `to` of a set (files listed one by one first, then each pack in turn): a
 * thread makes objects only for the files it takes.
 */
export function targetsIn(set: TargetSet, from: number, to: number): FileTarget[] {
  const out: FileTarget[] = [];
  let offset = 0;
  const take = (count: number, make: (i: number) => FileTarget) => {
    const lo = Math.max(from, offset);
    const hi = Math.min(to, offset + count);
    for (let i = lo; i < hi; i++) out.push(make(i - offset));
    offset += count;
  };
  const files = set.files;
  take(files.length, (i) => files[i] as FileTarget);
  for (const pack of set.packs) {
    if (offset >= to) break;
    const bytes = asBuffer(pack.bytes);
    take(pack.starts.length, (i) => packedTarget(pack, bytes, i));
  }
  return out;
}

/** Every file of a set, one by one. */
export function allTargets(set: TargetSet): FileTarget[] {
  return targetsIn(set, 0, targetCount(set));
}

/**
 * The names of a set's files, for the name search (name-candidates.ts): a packed name is copied
 * from the bytes git listed it in, and made a string only when it may hold a finding.
 */
export function targetNames(set: TargetSet): SearchedNames & { label(i: number): PathText } {
  const files = set.files;
  const packs = set.packs.map((pack) => ({ pack, bytes: asBuffer(pack.bytes) }));
  const firsts: number[] = [];
  let count = files.length;
  for (const p of set.packs) {
    firsts.push(count);
    count += p.starts.length;
  }
  /** The pack holding name `i` (undefined: a file named one by one), and the name's bytes. */
  const packed = (i: number) => {
    if (i < files.length) return undefined;
    let k = firsts.length - 1;
    while ((firsts[k] as number) > i) k--;
    const { pack, bytes } = packs[k] as (typeof packs)[number];
    const j = i - (firsts[k] as number);
    return { pack, bytes, start: pack.starts[j] as number, end: pack.ends[j] as number };
  };
  const label = (i: number): PathText => {
    const p = packed(i);
    if (p === undefined) {
      const f = files[i] as FileTarget;
      return { path: f.path, ...(f.pathBytes === undefined ? {} : { pathBytes: f.pathBytes }) };
    }
    return p.pack.utf8
      ? { path: p.bytes.toString('utf8', p.start, p.end) }
      : pathText(p.bytes.subarray(p.start, p.end));
  };
  return {
    count,
    write(i, into, at, limit) {
      const p = packed(i);
      if (p === undefined) {
        const path = (files[i] as FileTarget).path;
        return at + 3 * path.length > limit ? -1 : into.write(path, at);
      }
      const length = p.end - p.start;
      if (at + length > limit) return -1;
      // Byte by byte: a path is a few dozen bytes, and a copy() call costs more than that.
      for (let b = 0; b < length; b++) into[at + b] = p.bytes[p.start + b] as number;
      return length;
    },
    text: (i) => label(i).path,
    label,
  };
}
