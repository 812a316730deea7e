import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArchiveItem, expandArchive } from '../../../src/sources/archive/index.js';
import { largeTgz, writeLargeZip } from '../../helpers/archive-writers.js';

const MiB = 1024 * 1024;
const COPIES = 200;
const SIZE = COPIES * MiB;
/** Streaming costs a few MiB of buffers; holding the entry would cost its 200 MiB. */
const RSS_GROWTH_LIMIT = 64 * MiB;

const dir = mkdtempSync(join(tmpdir(), 'kg-archive-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Hex text: compresses about 2:1, like real data, far from the ratio limit. */
const block = Buffer.from(randomBytes(MiB / 2).toString('hex'));
let expectedCrc = 0;
for (let i = 0; i < COPIES; i++) expectedCrc = crc32(block, expectedCrc);

/** Reads every entry, checking its content, while sampling the process's resident memory. */
async function drain(items: AsyncIterable<ArchiveItem>) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const seen: { path: string; bytes: number; crc: number }[] = [];
  let pieces = 0;
  for await (const item of items) {
    if (item.kind === 'skipped') throw new Error(`unexpected skip: ${item.detail}`);
    let bytes = 0;
    let crc = 0;
    for await (const piece of item.data) {
      bytes += piece.length;
      crc = crc32(piece, crc);
      if (++pieces % 32 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    seen.push({ path: item.path, bytes, crc });
  }
  return { seen, growth: peak - before };
}

describe('a large entry is streamed: memory stays bounded', () => {
  it('200 MiB deflated entry of a zip on disk (random access from the file)', async () => {
    const path = join(dir, 'large.zip');
    await writeLargeZip(path, 'big.bin', block, COPIES);
    const { seen, growth } = await drain(expandArchive('zip', { kind: 'file', path }));
    expect(seen).toEqual([{ path: 'big.bin', bytes: SIZE, crc: expectedCrc }]);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 60_000);

  it('200 MiB entry of a tar.gz arriving as a stream, never on disk', async () => {
    const { seen, growth } = await drain(
      expandArchive(
        'gzip',
        { kind: 'stream', pieces: largeTgz('big.bin', block, COPIES) },
        { name: 'big.tgz' },
      ),
    );
    expect(seen).toEqual([{ path: 'big.tar!big.bin', bytes: SIZE, crc: expectedCrc }]);
    expect(growth).toBeLessThan(RSS_GROWTH_LIMIT);
  }, 60_000);
});
