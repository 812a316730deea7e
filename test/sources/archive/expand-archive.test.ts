import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ArchiveFormat,
  type ArchiveInput,
  expandArchive,
  sniffArchive,
} from '../../../src/sources/archive/index.js';
import {
  gzipBuffer,
  paxRecord,
  piecesOf,
  tarBuffer,
  tarRecord,
  zipBuffer,
} from '../../helpers/archive-writers.js';
import { collectArchive, entriesOf, skipsOf } from '../../helpers/collect-archive.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expand(data: Buffer, name = 'top'): ReturnType<typeof collectArchive> {
  const format = sniffArchive(data.subarray(0, 512));
  if (format === undefined) throw new Error('not an archive');
  return collectArchive(expandArchive(format, { kind: 'buffer', data }, { name }));
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('expandArchive: formats', () => {
  it('zip: stored and deflated entries, in order; directories and empty files yield nothing', async () => {
    const zip = zipBuffer([
      { name: 'dir/', method: 0 },
      { name: 'dir/a.env', data: text('alpha=1\n'), method: 0 },
      { name: 'dir/b.properties', data: text('beta=2\n'.repeat(1000)) },
      { name: 'empty.txt', method: 0 },
      { name: 'jar-style-dir/', data: Buffer.alloc(0), method: 8 },
    ]);
    const items = await expand(zip);
    expect(items).toEqual([
      { kind: 'entry', path: 'dir/a.env', text: 'alpha=1\n', bytes: 8 },
      { kind: 'entry', path: 'dir/b.properties', text: 'beta=2\n'.repeat(1000), bytes: 7000 },
    ]);
  });

  it('tar: files, long (pax) names; directories, links and empty files yield nothing', async () => {
    const long = `${'deep/'.repeat(30)}file.txt`;
    const tar = tarBuffer([
      { name: 'd/', type: '5' },
      { name: 'd/one.txt', data: text('one\n') },
      { name: 'd/link', type: '2', linkname: '/etc/passwd' },
      { name: 'd/hard', type: '1', linkname: 'd/one.txt' },
      { name: 'd/empty', data: Buffer.alloc(0) },
      { name: long, data: text('long name\n') },
    ]);
    expect(sniffArchive(tar)).toBe('tar');
    const items = await expand(tar);
    expect(items).toEqual([
      { kind: 'entry', path: 'd/one.txt', text: 'one\n', bytes: 4 },
      { kind: 'entry', path: long, text: 'long name\n', bytes: 10 },
    ]);
  });

  it('gzip: the stored name (FNAME) labels the content, else the outer name without its suffix', async () => {
    const named = gzipBuffer(text('hello\n'), { name: 'original.log' });
    expect(await expand(named, 'renamed.gz')).toEqual([
      { kind: 'entry', path: 'original.log', text: 'hello\n', bytes: 6 },
    ]);
    const plain = gzipSync(text('hello\n'));
    expect(entriesOf(await expand(plain, 'app.log.gz')).map((e) => e.path)).toEqual(['app.log']);
    expect(entriesOf(await expand(plain, 'no-suffix')).map((e) => e.path)).toEqual(['no-suffix']);
    expect(entriesOf(await expand(plain, '')).map((e) => e.path)).toEqual(['gzip-data']);
  });

  it('tgz: gzip then tar, labelled logs.tar!entry', async () => {
    const tgz = gzipSync(tarBuffer([{ name: 'app.log', data: text('line\n') }]));
    expect(await expand(tgz, 'logs.tgz')).toEqual([
      { kind: 'entry', path: 'logs.tar!app.log', text: 'line\n', bytes: 5 },
    ]);
    expect(entriesOf(await expand(tgz, 'logs.tar.gz')).map((e) => e.path)).toEqual([
      'logs.tar!app.log',
    ]);
  });

  it('concatenated gzip members are one stream', async () => {
    const data = Buffer.concat([gzipSync(text('part one, ')), gzipSync(text('part two'))]);
    expect(await expand(data, 'x.gz')).toEqual([
      { kind: 'entry', path: 'x', text: 'part one, part two', bytes: 18 },
    ]);
  });

  it('an empty zip yields nothing', async () => {
    const empty = zipBuffer([]);
    expect(sniffArchive(empty)).toBe('zip');
    expect(await expand(empty)).toEqual([]);
  });
});

describe('expandArchive: nesting', () => {
  it('zip in tgz in zip, with jar-style and gz members, labelled with ! at each level', async () => {
    const innerZip = zipBuffer([{ name: 'config/prod.properties', data: text('deep=1\n') }]);
    const tgz = gzipSync(
      tarBuffer([
        { name: 'lib/inner.jar', data: innerZip },
        { name: 'notes.txt', data: text('note\n') },
      ]),
    );
    const outer = zipBuffer([
      { name: 'bundle/logs.tgz', data: tgz, method: 0 },
      { name: 'readme.md', data: text('# readme\n') },
      { name: 'data.json.gz', data: gzipSync(text('{"a":1}')) },
    ]);
    const items = await expand(outer, 'outer.zip');
    expect(items).toEqual([
      {
        kind: 'entry',
        path: 'bundle/logs.tgz!logs.tar!lib/inner.jar!config/prod.properties',
        text: 'deep=1\n',
        bytes: 7,
      },
      { kind: 'entry', path: 'bundle/logs.tgz!logs.tar!notes.txt', text: 'note\n', bytes: 5 },
      { kind: 'entry', path: 'readme.md', text: '# readme\n', bytes: 9 },
      { kind: 'entry', path: 'data.json.gz!data.json', text: '{"a":1}', bytes: 7 },
    ]);
  });

  it('archives are recognised by magic bytes, never by name', async () => {
    const innerTar = tarBuffer([{ name: 'x.txt', data: text('inside\n') }]);
    const outer = zipBuffer([
      { name: 'looks-like.txt', data: innerTar },
      { name: 'fake.zip', data: text('PK is not enough: not a zip\n') },
      { name: 'fake.gz', data: text('plain text named .gz\n') },
    ]);
    expect(entriesOf(await expand(outer)).map((e) => e.path)).toEqual([
      'looks-like.txt!x.txt',
      'fake.zip',
      'fake.gz',
    ]);
  });
});

describe('expandArchive: inputs', () => {
  const zip = zipBuffer([
    { name: 'a.txt', data: text('first\n') },
    { name: 'b.txt', data: text('second\n'.repeat(5000)), method: 0 },
  ]);
  const expected = [
    { kind: 'entry', path: 'a.txt', text: 'first\n', bytes: 6 },
    { kind: 'entry', path: 'b.txt', text: 'second\n'.repeat(5000), bytes: 35000 },
  ];

  it.each<[string, () => ArchiveInput]>([
    [
      'file',
      () => {
        const path = join(dir, 'input.zip');
        writeFileSync(path, zip);
        return { kind: 'file', path };
      },
    ],
    [
      'file (path as bytes)',
      () => {
        const path = join(dir, 'input-bytes.zip');
        writeFileSync(path, zip);
        return { kind: 'file', path: Buffer.from(path) };
      },
    ],
    ['buffer', () => ({ kind: 'buffer', data: zip })],
    ['stream', () => ({ kind: 'stream', pieces: piecesOf(zip, 1000) })],
  ])('a zip given as %s', async (_label, input) => {
    expect(await collectArchive(expandArchive('zip', input()))).toEqual(expected);
  });

  it.each<[ArchiveFormat, Buffer]>([
    ['tar', tarBuffer([{ name: 'a.txt', data: text('tar content\n') }])],
    ['gzip', gzipBuffer(text('gzip content\n'), { name: 'a.txt' })],
  ])('a %s given as file, buffer and stream gives the same items', async (format, data) => {
    const path = join(dir, `input.${format}`);
    writeFileSync(path, data);
    const fromFile = await collectArchive(expandArchive(format, { kind: 'file', path }));
    const fromBuffer = await collectArchive(expandArchive(format, { kind: 'buffer', data }));
    const fromStream = await collectArchive(
      expandArchive(format, { kind: 'stream', pieces: piecesOf(data, 7) }),
    );
    expect(entriesOf(fromFile)).toHaveLength(1);
    expect(fromBuffer).toEqual(fromFile);
    expect(fromStream).toEqual(fromFile);
  });

  it('a zip arriving as a stream larger than maxBufferedBytes is a skip, not a read', async () => {
    const items = await collectArchive(
      expandArchive(
        'zip',
        { kind: 'stream', pieces: piecesOf(zip, 1000) },
        { limits: { maxBufferedBytes: 10_000 } },
      ),
    );
    expect(items).toEqual([
      expect.objectContaining({ kind: 'skipped', path: '', reason: 'archive-limit' }),
    ]);
    expect(skipsOf(items)[0]?.detail).toMatch(/in memory.*10000 bytes|9.8 KiB/);
  });

  it('a missing or unreadable file is an unreadable skip naming the error code only', async () => {
    for (const format of ['zip', 'tar', 'gzip'] as const) {
      const items = await collectArchive(
        expandArchive(format, { kind: 'file', path: join(dir, 'missing', 'x') }),
      );
      expect(items).toEqual([
        {
          kind: 'skipped',
          path: '',
          reason: 'archive-unreadable',
          detail: expect.stringContaining('ENOENT'),
        },
      ]);
      expect(skipsOf(items)[0]?.detail).not.toContain(dir);
    }
  });
});

/** Expands `data`, keeping each nested container's raw bytes as they are handed over. */
async function expandWithRaw(
  data: Buffer,
  name: string,
  limits: Parameters<typeof expandArchive>[2] = {},
): Promise<{ items: Awaited<ReturnType<typeof collectArchive>>; raw: Map<string, string> }> {
  const format = sniffArchive(data.subarray(0, 512));
  if (format === undefined) throw new Error('not an archive');
  const raw = new Map<string, string>();
  const finished: string[] = [];
  const items = await collectArchive(
    expandArchive(
      format,
      { kind: 'buffer', data },
      {
        name,
        ...limits,
        containerBytes: (path) => {
          const parts: Buffer[] = [];
          return {
            push: (piece) => parts.push(Buffer.from(piece)),
            finish: () => {
              expect(finished).not.toContain(path);
              finished.push(path);
              raw.set(path, Buffer.concat(parts).toString('latin1'));
            },
          };
        },
      },
    ),
  );
  expect([...raw.keys()].sort()).toEqual([...finished].sort());
  return { items, raw };
}

describe("expandArchive: a nested container's own bytes", () => {
  it('the tar in a tgz hands over its pax and GNU metadata records, which are no entries', async () => {
    const tar = Buffer.concat([
      tarRecord('x', paxRecord('comment', 'in-pax-x')),
      tarRecord('g', paxRecord('comment', 'in-pax-g')),
      tarRecord('N', Buffer.from('in-gnu-n\n')),
      tarBuffer([{ name: 'a.txt', data: text('hello\n') }]),
    ]);
    const { items, raw } = await expandWithRaw(gzipSync(tar), 'x.tgz');
    // tar-stream reads them as headers (an old GNU 'N' record even renames the next entry).
    expect(entriesOf(items).map((e) => e.text)).toEqual(['hello\n']);
    expect([...raw.keys()]).toEqual(['x.tar']);
    // Every byte, as it is: the whole tar.
    expect(raw.get('x.tar')).toBe(tar.toString('latin1'));
  });

  it("a zip's comment, nested in a gzip and in a zip, is handed over with the zip", async () => {
    const inner = zipBuffer([{ name: 'b.txt', data: text('hi\n') }], {
      comment: text('a comment outside every entry'),
    });
    const gz = await expandWithRaw(gzipBuffer(inner, { name: 'c.zip' }), 'c.zip.gz');
    expect(entriesOf(gz.items).map((e) => e.path)).toEqual(['c.zip!b.txt']);
    expect(gz.raw.get('c.zip')).toBe(inner.toString('latin1'));
    const outer = zipBuffer([{ name: 'lib/c.jar', data: inner }]);
    const zipped = await expandWithRaw(outer, 'outer.zip');
    expect(entriesOf(zipped.items).map((e) => e.path)).toEqual(['lib/c.jar!b.txt']);
    expect(zipped.raw.get('lib/c.jar')).toContain('a comment outside every entry');
  });

  it("bytes a nested reader leaves (after a tar's end, a zip too large to hold) are handed over too", async () => {
    const tar = Buffer.concat([
      tarBuffer([{ name: 'a.txt', data: text('hello\n') }]),
      text('trailing text after the end blocks'),
    ]);
    const tgz = await expandWithRaw(gzipSync(tar), 'x.tgz');
    expect(tgz.raw.get('x.tar')).toBe(tar.toString('latin1'));
    const zip = zipBuffer([{ name: 'big.txt', data: Buffer.alloc(50_000, 'z'), method: 0 }]);
    const held = await expandWithRaw(gzipSync(zip), 'big.zip.gz', {
      limits: { maxBufferedBytes: 10_000 },
    });
    expect(skipsOf(held.items)).toEqual([
      expect.objectContaining({ path: 'big.zip', reason: 'archive-limit' }),
    ]);
    expect(held.raw.get('big.zip')).toBe(zip.toString('latin1'));
  });

  it('the limits still hold: total bytes stop the reading, depth leaves a container unopened', async () => {
    const tar = tarBuffer([{ name: 'a.bin', data: Buffer.alloc(300_000, 'a') }]);
    const capped = await expandWithRaw(gzipSync(tar), 'x.tgz', {
      limits: { maxTotalBytes: 100_000 },
    });
    expect(skipsOf(capped.items)).toEqual([
      expect.objectContaining({ path: 'x.tar', reason: 'archive-limit' }),
    ]);
    expect(capped.raw.get('x.tar')?.length).toBeLessThanOrEqual(100_000);
    const deep = await expandWithRaw(gzipSync(gzipSync(tar)), 'x.tgz.gz', {
      limits: { maxDepth: 2 },
    });
    expect(skipsOf(deep.items)).toEqual([
      expect.objectContaining({ path: 'x.tgz!x.tar', reason: 'archive-limit' }),
    ]);
    // Level 2 (the inner gzip) was opened and read; level 3 (the tar) was not.
    expect([...deep.raw.keys()]).toEqual(['x.tgz']);
  });
});
