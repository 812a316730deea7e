import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type ArchiveLimits, expandArchive } from '../../../src/sources/archive/index.js';
import {
  deflatedZeros,
  gzipAround,
  overlappingZip,
  repeatedEntryZip,
  tarBuffer,
  zerosZip,
  zipBuffer,
} from '../../helpers/archive-writers.js';
import { countArchive, entriesOf, skipsOf } from '../../helpers/collect-archive.js';
import { cpuClock } from '../../helpers/cpu-time.js';

const MiB = 1024 * 1024;

/** CPU time, generous: each case needs well under a second; a blow-up needs far more. */
const CEILING_MS = 20_000;

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const elapsed = cpuClock();
  const result = await run();
  return { result, ms: elapsed() };
}

function expandZip(data: Buffer, limits?: Partial<ArchiveLimits>) {
  return countArchive(
    expandArchive('zip', { kind: 'buffer', data }, limits === undefined ? {} : { limits }),
  );
}

describe('archive bombs are bounded and reported', () => {
  it(
    'one huge, highly compressed zip entry stops at the ratio limit (defaults)',
    async () => {
      const bomb = zerosZip('zeros.bin', 8192); // 8 GiB of zeros in ~8 MiB
      const { result, ms } = await timed(() => expandZip(bomb));
      expect(ms).toBeLessThan(CEILING_MS);
      const [entry] = entriesOf(result);
      // Read past the 16 MiB floor until the ratio shows (the inflater reads a little ahead).
      expect(entry?.path).toBe('zeros.bin');
      expect(entry?.bytes).toBeGreaterThanOrEqual(16 * MiB);
      expect(entry?.bytes).toBeLessThanOrEqual(64 * MiB);
      expect(skipsOf(result)).toEqual([
        {
          kind: 'skipped',
          path: 'zeros.bin',
          reason: 'archive-limit',
          detail: expect.stringMatching(/^expansion-ratio limit 200:1 reached: [\d.]+ MiB from /),
        },
      ]);
    },
    CEILING_MS * 2,
  );

  it(
    'a gzip bomb stops at the ratio limit; a tar inside it is not reported corrupt as well',
    async () => {
      const tarHead = tarBuffer(
        [{ name: 'zeros', data: Buffer.alloc(0), declaredSize: 8 * 1024 * MiB }],
        {
          end: false,
        },
      );
      // A tar whose one entry is 8 GiB of zeros, gzipped as a stored header then the zeros kernel.
      const deflated = Buffer.concat([
        deflateRawSync(tarHead, { finishFlush: 3 /* Z_FULL_FLUSH */ }),
        deflatedZeros(8192),
      ]);
      const { result, ms } = await timed(() =>
        countArchive(
          expandArchive('gzip', { kind: 'buffer', data: gzipAround(deflated) }, { name: 'b.tgz' }),
        ),
      );
      expect(ms).toBeLessThan(CEILING_MS);
      expect(skipsOf(result)).toEqual([
        {
          kind: 'skipped',
          path: 'b.tar',
          reason: 'archive-limit',
          detail: expect.stringContaining('expansion-ratio limit'),
        },
      ]);
      // The tar entry was streamed up to the stop: nothing was held.
      expect(entriesOf(result)[0]?.path).toBe('b.tar!zeros');
    },
    CEILING_MS * 2,
  );

  it(
    'total expanded bytes are bounded per top-level file, across entries',
    async () => {
      // 12 entries of 10 MiB (under the ratio floor), total limit 64 MiB.
      const kernel = deflatedZeros(10);
      const zip = zipBuffer(
        Array.from({ length: 12 }, (_, i) => ({
          name: `part-${i}`,
          stored: kernel,
          declaredSize: 10 * MiB,
        })),
      );
      const { result, ms } = await timed(() => expandZip(zip, { maxTotalBytes: 64 * MiB }));
      expect(ms).toBeLessThan(CEILING_MS);
      const entries = entriesOf(result);
      expect(entries.map((e) => e.path)).toEqual([
        'part-0',
        'part-1',
        'part-2',
        'part-3',
        'part-4',
        'part-5',
        'part-6',
      ]);
      expect(entries.reduce((n, e) => n + e.bytes, 0)).toBeLessThanOrEqual(64 * MiB);
      expect(skipsOf(result)).toEqual([
        {
          kind: 'skipped',
          path: 'part-6',
          reason: 'archive-limit',
          detail: expect.stringMatching(
            /^expanded-size limit 64 MiB per file reached after 4(\.\d)? MiB of this zip entry; the rest of the file was not read$/,
          ),
        },
      ]);
    },
    CEILING_MS * 2,
  );

  it(
    'many entries stop at the entry limit, counted across nesting',
    async () => {
      const small = (prefix: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({
          name: `${prefix}${i}`,
          data: Buffer.from('x'),
          method: 0,
        }));
      const inner = zipBuffer(small('in-', 300));
      const zip = zipBuffer([{ name: 'inner.zip', data: inner }, ...small('out-', 3000)]);
      const { result, ms } = await timed(() => expandZip(zip, { maxEntries: 1000 }));
      expect(ms).toBeLessThan(CEILING_MS);
      // inner.zip (1) + its 300 + 699 outer entries = 1000.
      expect(entriesOf(result)).toHaveLength(300 + 699);
      expect(skipsOf(result)).toEqual([
        {
          kind: 'skipped',
          path: '',
          reason: 'archive-limit',
          detail: expect.stringContaining('entry limit 1000 per file reached'),
        },
      ]);
    },
    CEILING_MS * 2,
  );

  it(
    'the default entry limit holds for a zip of 150,000 tiny entries',
    async () => {
      const entries = Array.from({ length: 150_000 }, (_, i) => ({
        name: `e${i}`,
        data: Buffer.from('y'),
        method: 0,
      }));
      const { result, ms } = await timed(() => expandZip(zipBuffer(entries)));
      expect(ms).toBeLessThan(CEILING_MS * 2);
      expect(entriesOf(result)).toHaveLength(100_000);
      expect(skipsOf(result)).toEqual([
        expect.objectContaining({ path: '', reason: 'archive-limit' }),
      ]);
    },
    CEILING_MS * 4,
  );

  it(
    'deep nesting stops at the depth limit with one skip',
    async () => {
      let nested = zipBuffer([{ name: 'core.txt', data: Buffer.from('core') }]);
      for (let level = 11; level >= 1; level--) {
        nested = zipBuffer([{ name: `level${level}.zip`, data: nested }]);
      }
      const { result, ms } = await timed(() => expandZip(nested));
      expect(ms).toBeLessThan(CEILING_MS);
      expect(entriesOf(result)).toEqual([]);
      const path = Array.from({ length: 8 }, (_, i) => `level${i + 1}.zip`).join('!');
      expect(skipsOf(result)).toEqual([
        {
          kind: 'skipped',
          path,
          reason: 'archive-limit',
          detail: 'nesting limit 8 reached: this zip archive would be level 9; it was not opened',
        },
      ]);
      // With a higher limit the core is reached.
      const deeper = await expandZip(nested, { maxDepth: 12 });
      expect(entriesOf(deeper).map((e) => e.path.split('!').at(-1))).toEqual(['core.txt']);
    },
    CEILING_MS * 2,
  );

  it(
    'a 42.zip-like structure (16 × 16 × 16 × 16 zips of 4 GiB of zeros) stops within the limits',
    async () => {
      let layer = zerosZip('0.bin', 4095);
      for (let depth = 0; depth < 4; depth++) {
        const deflated = deflateRawSync(layer, { level: 9 });
        layer = zipBuffer(
          Array.from('0123456789abcdef', (hex) => ({
            name: `${hex}.zip`,
            stored: deflated,
            declaredSize: layer.length,
            data: layer,
          })),
        );
      }
      expect(layer.length).toBeLessThan(200 * 1024);
      const { result, ms } = await timed(() => expandZip(layer));
      expect(ms).toBeLessThan(CEILING_MS * 2);
      const skips = skipsOf(result);
      // Each innermost entry is cut by the ratio limit, until the 1 GiB total ends the file.
      expect(
        skips.filter((s) => s.detail.startsWith('expansion-ratio limit')).length,
      ).toBeGreaterThan(1);
      expect(skips.at(-1)).toEqual(
        expect.objectContaining({
          reason: 'archive-limit',
          detail: expect.stringContaining('expanded-size limit 1 GiB per file reached'),
        }),
      );
      expect(skips.at(-1)?.path).toMatch(/^0\.zip!0\.zip!.\.zip!.\.zip!0\.bin$/);
      const read = entriesOf(result).reduce((n, e) => n + e.bytes, 0);
      expect(read).toBeLessThanOrEqual(1024 * MiB);
    },
    CEILING_MS * 4,
  );

  it(
    'overlapping zip entries (Fifield construction): only the first is read',
    async () => {
      const kernelMiB = 8;
      const bomb = overlappingZip(250, deflatedZeros(kernelMiB), kernelMiB * MiB);
      const { result, ms } = await timed(() => expandZip(bomb));
      expect(ms).toBeLessThan(CEILING_MS);
      // The first entry is read (its output starts with the quoted local header of the next, so
      // it even looks like a zip, and is reported unreadable as one); every other one overlaps it.
      const [first, ...rest] = result;
      expect(first?.path).toMatch(/^f0000/);
      expect(rest).toEqual(
        Array.from({ length: 249 }, (_, i) => ({
          kind: 'skipped',
          path: `f${String(i + 1).padStart(4, '0')}`,
          reason: 'archive-limit',
          detail:
            'zip entry whose data overlaps another entry (a zip-bomb construction); it was not read',
        })),
      );
    },
    CEILING_MS * 2,
  );

  it(
    'the same entry listed many times in the central directory is read once',
    async () => {
      const zip = repeatedEntryZip(1000, { name: 'x', data: Buffer.alloc(4 * MiB, 0x61) });
      const { result, ms } = await timed(() => expandZip(zip));
      expect(ms).toBeLessThan(CEILING_MS);
      expect(entriesOf(result).map((e) => [e.path, e.bytes])).toEqual([['copy-0', 4 * MiB]]);
      expect(skipsOf(result)).toHaveLength(999);
    },
    CEILING_MS * 2,
  );

  it(
    'a tgz whose tar holds a gzip bomb reports the inner bomb by its full path',
    async () => {
      const innerGz = gzipAround(deflatedZeros(2048));
      const tgz = gzipSync(tarBuffer([{ name: 'inner/data.gz', data: innerGz }]));
      const { result, ms } = await timed(() =>
        countArchive(expandArchive('gzip', { kind: 'buffer', data: tgz }, { name: 'x.tgz' })),
      );
      expect(ms).toBeLessThan(CEILING_MS);
      expect(skipsOf(result)).toEqual([
        {
          kind: 'skipped',
          path: 'x.tar!inner/data.gz!data',
          reason: 'archive-limit',
          detail: expect.stringContaining('expansion-ratio limit'),
        },
      ]);
    },
    CEILING_MS * 2,
  );
});
