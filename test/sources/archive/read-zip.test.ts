import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArchiveInput, expandArchive } from '../../../src/sources/archive/index.js';
import {
  blockBeforeDirectory,
  piecesOf,
  streamedZipBuffer,
  zeroSizesListed,
  zipBuffer,
} from '../../helpers/archive-writers.js';
import { collectArchive, entriesOf, skipsOf } from '../../helpers/collect-archive.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-read-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** The zip read from a buffer, a file and a stream: the three must agree. */
async function readAllWays(zip: Buffer) {
  const file = join(dir, `z-${Math.random().toString(36).slice(2)}.zip`);
  writeFileSync(file, zip);
  const inputs: ArchiveInput[] = [
    { kind: 'buffer', data: zip },
    { kind: 'file', path: file },
    { kind: 'stream', pieces: piecesOf(zip, 100) },
  ];
  const results = [];
  for (const input of inputs) results.push(await collectArchive(expandArchive('zip', input)));
  expect(results[1]).toEqual(results[0]);
  expect(results[2]).toEqual(results[0]);
  return results[0] ?? [];
}

const secret = { name: 'secret.ini', data: text('hidden=deflated\n'.repeat(20)) };
const readme = { name: 'readme.txt', data: text('hello\n') };

/** The one skip a zip with hidden data gives: unreadable, at `path` ('' for the zip itself). */
const unreadable = (path: string, detail: RegExp) => ({
  kind: 'skipped',
  path,
  reason: 'archive-unreadable',
  detail: expect.stringMatching(detail),
});

describe('zip: bytes the central directory does not account for are reported, not passed', () => {
  it('a local entry the central directory leaves out: one unreadable skip for the zip', async () => {
    const items = await readAllWays(zipBuffer([readme], { unlisted: [secret] }));
    expect(entriesOf(items).map((e) => e.path)).toEqual(['readme.txt']);
    expect(skipsOf(items)).toEqual([
      unreadable(
        '',
        /^zip local entry outside the central directory \(a local file header at byte 0 /,
      ),
    ]);
    // Between listed entries and after the last one too.
    const between = zipBuffer([readme, secret, { ...readme, name: 'last.txt' }]);
    const dropped = dropListed(between, 1);
    expect(skipsOf(await readAllWays(dropped))).toEqual([
      expect.objectContaining({
        path: '',
        detail: expect.stringContaining('outside the central directory'),
      }),
    ]);
    expect(skipsOf(await readAllWays(dropListed(zipBuffer([readme, secret]), 1)))).toHaveLength(1);
  });

  it('an entry listed with sizes 0 whose local header gives its size: skipped by name', async () => {
    const items = await readAllWays(zeroSizesListed(zipBuffer([secret, readme])));
    expect(entriesOf(items).map((e) => e.path)).toEqual(['readme.txt']);
    expect(skipsOf(items)).toEqual([
      unreadable(
        'secret.ini',
        /^zip entry listed as empty in the central directory, but its local header gives \d+ bytes/,
      ),
    ]);
  });

  it('an entry with sizes 0 in both headers but deflate data after it: skipped by name', async () => {
    for (const zip of [
      zeroSizesListed(zipBuffer([secret, readme]), 0, { local: true }),
      zeroSizesListed(zipBuffer([readme, secret]), 1, { local: true }),
      // A longer extra field in the directory than in the local header does not cover the data.
      widenListedExtra(
        zeroSizesListed(zipBuffer([secret, readme]), 0, { local: true }),
        0,
        Buffer.concat([Buffer.from([0xfe, 0xca, 0xfc, 0x03]), Buffer.alloc(1020)]),
      ),
    ]) {
      const items = await readAllWays(zip);
      expect(entriesOf(items).map((e) => e.path)).toEqual(['readme.txt']);
      expect(skipsOf(items)).toEqual([
        unreadable(
          'secret.ini',
          /^zip entry listed as empty in the central directory, but \d+ bytes no entry accounts for follow its local header/,
        ),
      ]);
    }
  });

  it('a block before the directory after an empty stored last entry (an APK) is searched, not data', async () => {
    // An APK signing block: sizes around pairs of ids and values, and its magic at its end.
    const pairs = Buffer.concat([Buffer.alloc(8), Buffer.from('random-looking signature bytes')]);
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(pairs.length + 24));
    const block = Buffer.concat([size, pairs, size, Buffer.from('APK Sig Block 42')]);
    const apk = (last: { name: string; method?: number; data?: Buffer }) =>
      blockBeforeDirectory(zipBuffer([readme, last]), block);
    const empty = await readAllWays(apk({ name: 'res/empty.txt', method: 0 }));
    expect(skipsOf(empty)).toEqual([]);
    expect(entriesOf(empty).map((e) => e.path)).toContain('readme.txt');
    // A local record hidden in the block is still found: the gap is searched as any other.
    const hidden = blockBeforeDirectory(
      zipBuffer([readme, { name: 'res/empty.txt', method: 0 }]),
      Buffer.concat([block, zipBuffer([secret])]),
    );
    expect(skipsOf(await readAllWays(hidden))).toEqual([
      expect.objectContaining({ detail: expect.stringContaining('outside the central directory') }),
    ]);
    // An empty entry that is deflated: a streaming reader inflates what follows, so it is data.
    const deflated = await readAllWays(
      blockBeforeDirectory(zeroSizesListed(zipBuffer([readme, secret]), 1, { local: true }), block),
    );
    expect(skipsOf(deflated)).toEqual([
      unreadable(
        'secret.ini',
        /^zip entry listed as empty in the central directory, but \d+ bytes/,
      ),
    ]);
  });

  it("bytes after an entry's deflate stream, within its compressed size: that entry is skipped", async () => {
    // A second local record (a deflated file) hidden behind the first entry's stream.
    const hidden = zipBuffer([secret]);
    const stored = Buffer.concat([deflateRawSync(text('hello\n')), hidden]);
    const items = await readAllWays(
      zipBuffer([{ name: 'a.txt', data: text('hello\n'), stored }, readme]),
    );
    // The entry is reported as not read whole (exit 2); the others are read.
    expect(entriesOf(items).map((e) => e.path)).toContain('readme.txt');
    expect(skipsOf(items)).toEqual([
      unreadable('a.txt', new RegExp(`${hidden.length} bytes follow its deflate stream`)),
    ]);
    // A stream that fills its entry exactly, in many pieces, passes.
    const big = text('line of text\n'.repeat(50_000));
    expect(skipsOf(await readAllWays(zipBuffer([{ name: 'big.txt', data: big }])))).toEqual([]);
  });

  it('ordinary zips pass with no skip: data descriptors, empty entries, stubs, stored zips inside', async () => {
    const entries = [
      { name: 'META-INF/', data: Buffer.alloc(0) },
      { name: 'dir/', method: 0 },
      { name: 'empty.txt', method: 0 },
      { name: 'a.txt', data: text('alpha\n'.repeat(50)) },
      { name: 'b.bin', data: text('stored'), method: 0 },
    ];
    const inner = zipBuffer([{ name: 'x.txt', data: text('inner\n') }]);
    const zips = [
      zipBuffer(entries),
      streamedZipBuffer(entries),
      streamedZipBuffer(entries, { signature: false }),
      streamedZipBuffer(entries, { zip64: true }),
      streamedZipBuffer(entries, { signature: false, zip64: true }),
      // A self-extracting stub or a launch script before the zip.
      zipBuffer(entries, { prefix: text('#!/bin/sh\nexec java -jar "$0" "$@"\n') }),
      // A local header inside a listed entry's data is that entry's business.
      zipBuffer([{ name: 'lib/inner.jar', data: inner, method: 0 }, ...entries]),
    ];
    for (const zip of zips) {
      const items = await readAllWays(zip);
      expect(skipsOf(items)).toEqual([]);
      expect(entriesOf(items).length).toBeGreaterThan(0);
    }
  });
});

/** The zip with its central-directory records changed by `edit` (local records stay). */
function rewriteListed(zip: Buffer, edit: (records: Buffer[]) => Buffer[]): Buffer {
  const end = zip.length - 22;
  const count = zip.readUInt16LE(end + 10);
  const offset = zip.readUInt32LE(end + 16);
  const records: Buffer[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const length =
      46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    records.push(Buffer.from(zip.subarray(at, at + length)));
    at += length;
  }
  const edited = edit(records);
  const cd = Buffer.concat(edited);
  const record = Buffer.from(zip.subarray(end));
  record.writeUInt16LE(edited.length, 8);
  record.writeUInt16LE(edited.length, 10);
  record.writeUInt32LE(cd.length, 12);
  return Buffer.concat([zip.subarray(0, offset), cd, record]);
}

/** The zip without its `index`th central-directory entry. */
function dropListed(zip: Buffer, index: number): Buffer {
  return rewriteListed(zip, (records) => records.filter((_, i) => i !== index));
}

/** The zip with `extra` appended to the extra field of its `index`th central-directory entry. */
function widenListedExtra(zip: Buffer, index: number, extra: Buffer): Buffer {
  return rewriteListed(zip, (records) =>
    records.map((r, i) => {
      if (i !== index) return r;
      const nameEnd = 46 + r.readUInt16LE(28) + r.readUInt16LE(30);
      const out = Buffer.concat([r.subarray(0, nameEnd), extra, r.subarray(nameEnd)]);
      out.writeUInt16LE(r.readUInt16LE(30) + extra.length, 30);
      return out;
    }),
  );
}
