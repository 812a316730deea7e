import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStagedListing } from '../../src/git/list-tree-files.js';
import { parseIndex } from '../../src/git/parse-index.js';
import type { NameList } from '../../src/model/source.js';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/** Each listed name with its kind code, as bytes in hex (names need not be UTF-8). */
function entries(list: NameList | undefined): string[] {
  if (list === undefined) return ['(none)'];
  const bytes = Buffer.from(list.bytes.buffer, list.bytes.byteOffset, list.bytes.length);
  return Array.from(
    list.starts,
    (s, i) => `${list.kinds[i]} ${bytes.subarray(s, list.ends[i]).toString('hex')}`,
  );
}

/** What git itself lists, through the parser of its own output. */
function gitListing(r: TempRepo): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '-s', '--cached', '--full-name'], {
    cwd: r.dir,
    env: r.env,
    maxBuffer: 1 << 28,
  });
  return entries(parseStagedListing(out));
}

const indexOf = (r: TempRepo): Buffer => readFileSync(join(r.dir, '.git', 'index'));

function withFiles(n: number, init: readonly string[] = []): TempRepo {
  const r = createRepo({ init: init.length === 0 });
  repo = r;
  if (init.length > 0) r.git('init', '-q', '-b', 'main', ...init);
  for (let i = 0; i < n; i++) r.write(`d${i % 7}/sub${i % 3}/file-${i}.txt`, `${i}\n`);
  r.git('add', '-A');
  return r;
}

/** The index with its trailing checksum made anew over changed bytes (a crafted but valid file). */
function resealed(index: Buffer, hash: 'sha1' | 'sha256' = 'sha1'): Buffer {
  const size = hash === 'sha1' ? 20 : 32;
  const body = index.subarray(0, index.length - size);
  return Buffer.concat([body, createHash(hash).update(body).digest()]);
}

describe('parseIndex: the index as git ls-files lists it, without starting git', () => {
  it('lists what git lists, in versions 2, 3 and 4', () => {
    const r = withFiles(300);
    expect(indexOf(r).readUInt32BE(4)).toBe(2);
    expect(entries(parseIndex(indexOf(r)))).toEqual(gitListing(r));
    // An intent-to-add entry has extended flags: git writes version 3.
    r.write('later.txt', 'x\n');
    r.git('add', '-N', 'later.txt');
    expect(indexOf(r).readUInt32BE(4)).toBe(3);
    expect(entries(parseIndex(indexOf(r)))).toEqual(gitListing(r));
    r.git('update-index', '--index-version', '4');
    expect(indexOf(r).readUInt32BE(4)).toBe(4);
    expect(gitListing(r)).toHaveLength(301);
    expect(entries(parseIndex(indexOf(r)))).toEqual(gitListing(r));
  });

  it('gives each file the size git recorded, in versions 2 and 4 (a hint the reader checks)', () => {
    const r = withFiles(40);
    r.write('empty.txt', '');
    r.write('big.bin', Buffer.alloc(70_000, 7));
    r.git('add', '-A');
    const recorded = (): string[] => {
      const out = r.git('ls-files', '--debug');
      const names = out.split('\n').filter((l) => l !== '' && !l.startsWith('  '));
      const sizes = [...out.matchAll(/^ {2}size: (\d+)/gm)].map((m) => m[1]);
      return names.map((n, i) => `${n} ${sizes[i]}`);
    };
    const parsed = (): string[] => {
      const list = parseIndex(indexOf(r));
      const bytes = Buffer.from(list?.bytes ?? []);
      return Array.from(
        list?.starts ?? [],
        (s, i) => `${bytes.toString('utf8', s, list?.ends[i])} ${list?.sizes?.[i]}`,
      );
    };
    expect(recorded()).toContain('big.bin 70000');
    expect(recorded()).toContain('empty.txt 0');
    expect(parsed()).toEqual(recorded());
    r.git('update-index', '--index-version', '4');
    expect(parsed()).toEqual(recorded());
  });

  it('follows version 4 names across the blocks of an offset table (each starts afresh)', () => {
    const r = withFiles(120);
    r.git(
      '-c',
      'index.threads=3',
      '-c',
      'index.recordOffsetTable=true',
      '-c',
      'index.recordEndOfIndexEntries=true',
      'update-index',
      '--index-version',
      '4',
    );
    expect(indexOf(r).includes('IEOT')).toBe(true);
    expect(entries(parseIndex(indexOf(r)))).toEqual(gitListing(r));
  });

  it('knows links, submodules, long and non-UTF-8 names, and conflicts (each path once)', () => {
    const r = withFiles(3);
    execFileSync('ln', ['-s', 'd0', join(r.dir, 'link')]);
    writeFileSync(Buffer.from(join(r.dir, 'caf\xe9.txt'), 'latin1'), 'bytes\n');
    r.commitAll('base');
    r.conflict('d0/sub0/file-0.txt');
    // Entries for paths not on disk (added after the commits, which stage every deletion).
    const blob = r.git('hash-object', '-w', join(r.dir, 'd1/sub1/file-1.txt')).trim();
    const commit = r.git('rev-parse', 'HEAD').trim();
    const long = Array.from({ length: 20 }, (_, i) => `${'x'.repeat(240)}${i}`).join('/');
    r.git('update-index', '--add', '--cacheinfo', `100644,${blob},${long}`);
    r.git('update-index', '--add', '--cacheinfo', `160000,${commit},vendor/lib`);
    const listed = entries(parseIndex(indexOf(r)));
    expect(listed).toEqual(gitListing(r));
    expect(listed.filter((e) => e.startsWith('1 '))).toHaveLength(1);
    expect(listed.filter((e) => e.startsWith('2 '))).toHaveLength(1);
    expect(listed.some((e) => e.length > 2 * 4095)).toBe(true);
    expect(parseIndex(indexOf(r))?.utf8).toBe(false);
    r.git('update-index', '--index-version', '4');
    expect(entries(parseIndex(indexOf(r)))).toEqual(gitListing(r));
  });

  it('reads a SHA-256 repository’s index', () => {
    const r = withFiles(40, ['--object-format=sha256']);
    expect(entries(parseIndex(indexOf(r)))).toEqual(gitListing(r));
  });

  it('leaves split and sparse indexes to git (their entries are partly elsewhere)', () => {
    const split = withFiles(20);
    split.git('update-index', '--split-index');
    expect(indexOf(split).includes('link')).toBe(true);
    expect(parseIndex(indexOf(split))).toBeUndefined();
    split.cleanup();
    const sparse = withFiles(20);
    sparse.commitAll('base');
    sparse.git('sparse-checkout', 'set', '--cone', '--sparse-index', 'd1');
    expect(parseIndex(indexOf(sparse))).toBeUndefined();
  });

  it('reads what git reads of a damaged file, and refuses a truncated or foreign one', () => {
    const r = withFiles(30);
    const good = indexOf(r);
    expect(parseIndex(good)).toBeDefined();
    // Git does not check the checksum when it reads: neither does this reader (a hash-less index,
    // as git writes with index.skipHash, is read too). A changed stat field, checksum or not,
    // lists what git lists.
    const path = join(r.dir, '.git', 'index');
    const stat = Buffer.from(good);
    stat[12 + 8] = (stat[12 + 8] as number) ^ 1;
    stat.fill(0, good.length - 20);
    writeFileSync(path, stat);
    expect(entries(parseIndex(stat))).toEqual(gitListing(r));
    writeFileSync(path, good);
    expect(parseIndex(good.subarray(0, good.length - 7))).toBeUndefined();
    expect(parseIndex(good.subarray(0, 200))).toBeUndefined();
    expect(parseIndex(Buffer.from('not an index at all'))).toBeUndefined();
    expect(parseIndex(Buffer.alloc(0))).toBeUndefined();
    // A lower-case extension is one git must understand: still refused.
    const body = good.subarray(0, good.length - 20);
    const ext = Buffer.concat([body, Buffer.from('zzzz\0\0\0\0', 'latin1')]);
    expect(parseIndex(resealed(Buffer.concat([ext, Buffer.alloc(20)])))).toBeUndefined();
    const optional = Buffer.concat([body, Buffer.from('ZZZZ\0\0\0\x02ab', 'latin1')]);
    expect(entries(parseIndex(resealed(Buffer.concat([optional, Buffer.alloc(20)]))))).toEqual(
      gitListing(r),
    );
  });

  it('never takes a file that reads both as a SHA-1 and as a SHA-256 index', () => {
    // One entry and two optional extensions laid out so that both layouts read the whole file:
    // as SHA-1, flags at 72 and the name "abcdefghij" from 74; as SHA-256 (a 32-byte id), flags
    // at 84 (the NUL after that name, then 1) and the name "x" from 86. Both entries end at 92;
    // an extension there ends SHA-256's entries at 100 (its 32-byte trailer), and one more at 100
    // ends SHA-1's at 112.
    const both = Buffer.alloc(132);
    both.write('DIRC', 0, 'latin1');
    both.writeUInt32BE(2, 4);
    both.writeUInt32BE(1, 8);
    both.writeUInt32BE(0o100644, 12 + 24);
    both.writeUInt16BE(10, 72);
    both.write('abcdefghij', 74, 'latin1');
    both.writeUInt16BE(1, 84);
    both.write('x', 86, 'latin1');
    both.write('ZZZZ', 92, 'latin1');
    both.write('YYYY', 100, 'latin1');
    both.writeUInt32BE(4, 104);
    expect(parseIndex(both)).toBeUndefined();
    // Spoil the SHA-256 reading (its name no longer ends): the SHA-1 one alone stands.
    const one = Buffer.from(both);
    one.write('y', 87, 'latin1');
    expect(entries(parseIndex(one))).toEqual([`0 ${Buffer.from('abcdefghij').toString('hex')}`]);
  });

  it('refuses crafted entries it cannot vouch for, and never throws on any bytes', () => {
    const r = withFiles(10);
    const good = indexOf(r);
    // Entry 0's mode as a sparse folder (040000), its name length wrong, a huge entry count.
    const folder = Buffer.from(good);
    folder.writeUInt32BE(0o40000, 12 + 24);
    expect(parseIndex(resealed(folder))).toBeUndefined();
    // Entry 0's flags follow its 40 bytes of stat data and its 20-byte object id.
    const length = Buffer.from(good);
    length.writeUInt16BE(length.readUInt16BE(12 + 40 + 20) + 1, 12 + 40 + 20);
    expect(parseIndex(resealed(length))).toBeUndefined();
    // A NUL inside entry 0's name (git would read it shorter than its recorded length).
    const inner = Buffer.from(good);
    inner[12 + 40 + 20 + 2 + 1] = 0;
    expect(parseIndex(resealed(inner))).toBeUndefined();
    const count = Buffer.from(good);
    count.writeUInt32BE(0xffffffff, 8);
    expect(parseIndex(resealed(count))).toBeUndefined();
    const random = createRandom(7);
    for (let i = 0; i < 300; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 1 + (i % 5); k++) {
        bad[12 + Math.floor(random() * (bad.length - 32))] = Math.floor(random() * 256);
      }
      const result = parseIndex(resealed(bad));
      if (result !== undefined) expect(result.starts.length).toBeLessThanOrEqual(10);
    }
  });

  it('bounds version 4 names that each grow on the last (quadratic in the file)', () => {
    // Entry k: strip nothing from the last name and add one byte, so the names are a, aa, aaa…
    const craft = (n: number): Buffer => {
      const header = Buffer.alloc(12);
      header.write('DIRC', 0, 'latin1');
      header.writeUInt32BE(4, 4);
      header.writeUInt32BE(n, 8);
      const parts = [header];
      for (let k = 1; k <= n; k++) {
        const entry = Buffer.alloc(40 + 20 + 2 + 3);
        entry.writeUInt32BE(0o100644, 24);
        entry.writeUInt16BE(Math.min(k, 0xfff), 60);
        entry.write('a', 63, 'latin1');
        parts.push(entry);
      }
      return resealed(Buffer.concat([...parts, Buffer.alloc(20)]));
    };
    const honest = parseIndex(craft(100));
    expect(entries(honest)).toHaveLength(100);
    expect(entries(honest)[99]).toBe(`0 ${'61'.repeat(100)}`);
    // 40,000 such entries are 2.6 MB of index and 800 MB of names: left to git.
    expect(parseIndex(craft(40_000))).toBeUndefined();
  });
});
