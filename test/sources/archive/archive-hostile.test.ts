import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ArchiveFormat,
  type ArchiveItem,
  expandArchive,
} from '../../../src/sources/archive/index.js';
import { gzipBuffer, tarBuffer, tarHeader, zipBuffer } from '../../helpers/archive-writers.js';
import { collectArchive, entriesOf, skipsOf } from '../../helpers/collect-archive.js';

const dir = mkdtempSync(join(tmpdir(), 'kg-archive-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

function expand(format: ArchiveFormat, data: Buffer, name = 'top') {
  return collectArchive(expandArchive(format, { kind: 'buffer', data }, { name }));
}

describe('corrupt and truncated archives: a skip, never a throw', () => {
  const zip = zipBuffer([
    { name: 'a.txt', data: text('alpha\n'.repeat(100)) },
    { name: 'b.txt', data: text('bravo\n'.repeat(100)) },
  ]);

  it('zip cut short (no end record): one unreadable skip for the zip itself', async () => {
    expect(await expand('zip', zip.subarray(0, zip.length - 30))).toEqual([
      {
        kind: 'skipped',
        path: '',
        reason: 'archive-unreadable',
        detail: expect.stringContaining('End of central directory record signature not found'),
      },
    ]);
  });

  it('zip entry with corrupt deflate data: that entry is skipped, the others are read', async () => {
    const bad = zipBuffer([
      { name: 'ok-1.txt', data: text('one\n') },
      { name: 'bad.txt', stored: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]), declaredSize: 10 },
      { name: 'ok-2.txt', data: text('two\n') },
    ]);
    expect(await expand('zip', bad)).toEqual([
      { kind: 'entry', path: 'ok-1.txt', text: 'one\n', bytes: 4 },
      {
        kind: 'skipped',
        path: 'bad.txt',
        reason: 'archive-unreadable',
        detail: expect.stringMatching(/^zip entry unreadable after 0 bytes: invalid/),
      },
      { kind: 'entry', path: 'ok-2.txt', text: 'two\n', bytes: 4 },
    ]);
  });

  it('zip entry whose local header is not where the directory says: skipped alone', async () => {
    const broken = Buffer.from(zip);
    broken.writeUInt32LE(0xdeadbeef, 0); // first local header signature
    const items = await expand('zip', broken);
    expect(items).toEqual([
      {
        kind: 'skipped',
        path: 'a.txt',
        reason: 'archive-unreadable',
        detail: 'zip local header unreadable: invalid local file header signature: 0xdeadbeef',
      },
      { kind: 'entry', path: 'b.txt', text: 'bravo\n'.repeat(100), bytes: 600 },
    ]);
  });

  it('zip whose directory claims more entries than it holds: entries read, then one skip', async () => {
    const lying = Buffer.from(zip);
    const end = lying.length - 22;
    lying.writeUInt16LE(5, end + 8);
    lying.writeUInt16LE(5, end + 10);
    const items = await expand('zip', lying);
    expect(entriesOf(items).map((e) => e.path)).toEqual(['a.txt', 'b.txt']);
    expect(skipsOf(items)).toEqual([
      {
        kind: 'skipped',
        path: '',
        reason: 'archive-unreadable',
        detail: expect.stringMatching(/^zip central directory unreadable after 2 entries: /),
      },
    ]);
  });

  it('tar cut inside an entry: the entries before it, then one skip', async () => {
    const tar = tarBuffer([
      { name: 'first.txt', data: text('first\n') },
      { name: 'second.txt', data: Buffer.alloc(5000, 0x62) },
    ]);
    // tar-stream drops the bytes it holds of an entry the input ends inside; the skip says so.
    const cut = tar.subarray(0, 512 + 512 + 512 + 2048);
    expect(await expand('tar', cut)).toEqual([
      { kind: 'entry', path: 'first.txt', text: 'first\n', bytes: 6 },
      {
        kind: 'skipped',
        path: '',
        reason: 'archive-unreadable',
        detail: 'tar unreadable after 2 entries: Unexpected end of data',
      },
    ]);
  });

  it('tar with a corrupt header after the first entry', async () => {
    const tar = tarBuffer([
      { name: 'first.txt', data: text('first\n') },
      { name: 'second.txt', data: text('second\n') },
    ]);
    const broken = Buffer.from(tar);
    broken[1024 + 10] = 0x7a; // inside the second header's name: the checksum no longer holds
    const items = await expand('tar', broken);
    expect(items).toEqual([
      { kind: 'entry', path: 'first.txt', text: 'first\n', bytes: 6 },
      {
        kind: 'skipped',
        path: '',
        reason: 'archive-unreadable',
        detail: expect.stringMatching(/^tar unreadable after 1 entries: Invalid tar header/),
      },
    ]);
  });

  it('gzip cut short: the content so far, then a skip for the gzip stream', async () => {
    const data = Buffer.from(randomBytes(20_000).toString('hex'));
    const gz = gzipBuffer(data, { name: 'data.txt' });
    const items = await expand('gzip', gz.subarray(0, gz.length - 100));
    const [entry, skip] = items;
    expect(entry).toEqual(expect.objectContaining({ kind: 'entry', path: 'data.txt' }));
    expect(data.toString('latin1').startsWith(entry?.kind === 'entry' ? entry.text : 'x')).toBe(
      true,
    );
    expect(skip).toEqual({
      kind: 'skipped',
      path: 'data.txt',
      reason: 'archive-unreadable',
      detail: expect.stringMatching(/^gzip stream unreadable after .*: unexpected end of file$/),
    });
    expect(items).toHaveLength(2);
  });

  it('gzip with corrupt data, and gzip followed by bytes that are not another member', async () => {
    const gz = gzipBuffer(text('hello world\n'.repeat(50)), { name: 'h.txt' });
    const corrupt = Buffer.from(gz);
    corrupt.fill(0xff, 20, 40);
    expect(skipsOf(await expand('gzip', corrupt))).toEqual([
      expect.objectContaining({ path: 'h.txt', reason: 'archive-unreadable' }),
    ]);
    // zlib fails on the bytes after the member; what it had decoded in the same step is lost
    // with the error, but the skip is reported.
    const trailing = Buffer.concat([gz, text('appended text, not gzip')]);
    expect(skipsOf(await expand('gzip', trailing))).toEqual([
      expect.objectContaining({ path: 'h.txt', reason: 'archive-unreadable' }),
    ]);
  });

  it('tgz cut short: reported once, by the gzip layer, not again as a broken tar', async () => {
    const tgz = gzipSync(
      tarBuffer([{ name: 'x.bin', data: Buffer.from(randomBytes(30_000).toString('hex')) }]),
    );
    const items = await expand('gzip', tgz.subarray(0, tgz.length / 2), 'logs.tgz');
    expect(entriesOf(items).map((e) => e.path)).toEqual(['logs.tar!x.bin']);
    expect(skipsOf(items)).toEqual([
      {
        kind: 'skipped',
        path: 'logs.tar',
        reason: 'archive-unreadable',
        detail: expect.stringContaining('unexpected end of file'),
      },
    ]);
  });

  it('a corrupt zip nested in a tar is skipped at its path; the tar goes on', async () => {
    const tar = tarBuffer([
      { name: 'broken.jar', data: zip.subarray(0, 100) },
      { name: 'after.txt', data: text('after\n') },
    ]);
    expect(await expand('tar', tar)).toEqual([
      {
        kind: 'skipped',
        path: 'broken.jar',
        reason: 'archive-unreadable',
        detail: expect.stringContaining('End of central directory'),
      },
      { kind: 'entry', path: 'after.txt', text: 'after\n', bytes: 6 },
    ]);
  });

  it('random bytes behind each magic never throw and always end', async () => {
    const magics: [ArchiveFormat, Buffer][] = [
      ['zip', Buffer.from('PK\u0003\u0004', 'latin1')],
      ['gzip', Buffer.from([0x1f, 0x8b, 8, 0])],
      ['tar', tarHeader(Buffer.from('x'), 100)],
    ];
    for (let round = 0; round < 40; round++) {
      for (const [format, magic] of magics) {
        const data = Buffer.concat([magic, randomBytes(round * 97)]);
        const items = await expand(format, data);
        for (const item of items) expect(['entry', 'skipped']).toContain(item.kind);
      }
    }
  });
});

describe('zip entries that cannot be read', () => {
  it('an encrypted entry is skipped as unreadable; the others are read', async () => {
    const zip = zipBuffer([
      { name: 'secret.txt', stored: randomBytes(40), declaredSize: 28, method: 0, flags: 1 },
      { name: 'plain.txt', data: text('plain\n') },
    ]);
    expect(await expand('zip', zip)).toEqual([
      {
        kind: 'skipped',
        path: 'secret.txt',
        reason: 'archive-unreadable',
        detail: 'encrypted zip entry: its content cannot be read',
      },
      { kind: 'entry', path: 'plain.txt', text: 'plain\n', bytes: 6 },
    ]);
  });

  it('an unsupported compression method is named in the skip', async () => {
    const zip = zipBuffer([
      { name: 'b.bz2', stored: randomBytes(30), method: 12, declaredSize: 100 },
      { name: 'c.txt', data: text('c\n') },
    ]);
    expect(await expand('zip', zip)).toEqual([
      {
        kind: 'skipped',
        path: 'b.bz2',
        reason: 'archive-unreadable',
        detail: 'zip compression method 12 (bzip2) is not supported',
      },
      { kind: 'entry', path: 'c.txt', text: 'c\n', bytes: 2 },
    ]);
  });
});

describe('hostile entry names are labels, never paths', () => {
  const marker = `kg-escape-${randomBytes(4).toString('hex')}`;
  const names = [
    `../../${marker}.txt`,
    join(dir, `${marker}-absolute.txt`),
    'C:\\Windows\\System32\\drivers\\etc\\hosts',
    'dir\\with\\backslashes.txt',
    'nul\u0000byte.txt',
    '\u001b[31mred\u001b[0m\u0007.txt',
    'line\nbreak\r.txt',
    'bang!inside.txt',
    '::error::workflow-command.txt',
  ];

  it.each<[string, (entries: { name: string; data: Buffer }[]) => Buffer, ArchiveFormat]>([
    ['zip', (entries) => zipBuffer(entries), 'zip'],
    ['tar', (entries) => tarBuffer(entries), 'tar'],
  ])('%s: names come back exactly as stored, and nothing is written', async (_, build, format) => {
    const before = readdirSync(dir).sort();
    const archive = build(names.map((name, i) => ({ name, data: text(`content ${i}\n`) })));
    const items = await expand(format, archive);
    // A tar header ends a name at its first NUL, as every tar reader reads it.
    const expected = names.map((name) => (format === 'tar' ? name.split('\u0000')[0] : name));
    expect(items.map((i) => (i.kind === 'entry' ? [i.path, i.text] : i))).toEqual(
      expected.map((name, i) => [name, `content ${i}\n`]),
    );
    expect(existsSync(resolve(process.cwd(), '../..', `${marker}.txt`))).toBe(false);
    expect(existsSync(join(dir, `${marker}-absolute.txt`))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('zip names that are not UTF-8 are decoded as CP437, byte for byte (no flag)', async () => {
    const zip = zipBuffer([{ name: Buffer.from([0x61, 0x80, 0xff, 0x2e, 0x74]), data: text('x') }]);
    expect(entriesOf(await expand('zip', zip)).map((e) => e.path)).toEqual(['aÇ\u00a0.t']);
  });

  it('zip names in UTF-8 without the flag (as most tools write them) are read as UTF-8', async () => {
    const zip = zipBuffer([{ name: Buffer.from('café/naïve €.txt', 'utf8'), data: text('x') }]);
    expect(entriesOf(await expand('zip', zip)).map((e) => e.path)).toEqual(['café/naïve €.txt']);
  });

  it('a gzip header name is a label too', async () => {
    const gz = gzipBuffer(text('x'), { name: '../../\u001b]0;title\u0007' });
    expect(entriesOf(await expand('gzip', gz)).map((e) => e.path)).toEqual([
      '../../\u001b]0;title\u0007',
    ]);
  });

  it('the module has no way to write: its only file-system import is createReadStream', () => {
    const folder = resolve(import.meta.dirname, '../../../src/sources/archive');
    const imports: string[] = [];
    const files = readdirSync(folder, { recursive: true, withFileTypes: true }).filter((f) =>
      f.isFile(),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const file = join(f.parentPath, f.name);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'node:fs(?:\/promises)?'/g)) {
        imports.push(...(m[1] ?? '').split(',').map((s) => s.trim()));
      }
      expect(source, file).not.toMatch(/from 'node:fs(\/promises)?'.*\n?.*\* as|require\(/);
    }
    expect(imports).toEqual(['createReadStream']);
  });
});

describe('links are never followed', () => {
  it('a zip symlink hands out its stored target text, not the file it names', async () => {
    writeFileSync(join(dir, 'target.txt'), 'the real file\n');
    const zip = zipBuffer([
      { name: 'link', data: text(join(dir, 'target.txt')), method: 0, unixMode: 0o120777 },
    ]);
    expect(await expand('zip', zip)).toEqual([
      {
        kind: 'entry',
        path: 'link',
        text: join(dir, 'target.txt'),
        bytes: Buffer.byteLength(join(dir, 'target.txt')),
      },
    ]);
  });

  it('tar symlinks and hard links carry no bytes and yield nothing', async () => {
    const tar = tarBuffer([
      { name: 'sym', type: '2', linkname: '/etc/passwd' },
      { name: 'hard', type: '1', linkname: '/etc/shadow' },
    ]);
    expect(await expand('tar', tar)).toEqual([]);
  });
});

describe('the consumer contract', () => {
  const zip = zipBuffer([
    { name: 'a.txt', data: Buffer.alloc(300_000, 0x61) },
    { name: 'b.txt', data: text('bee\n') },
  ]);
  const tgz = gzipSync(
    tarBuffer([
      { name: 'a.txt', data: Buffer.alloc(300_000, 0x61) },
      { name: 'b.txt', data: text('bee\n') },
    ]),
  );

  async function pathsWithoutReading(items: AsyncIterable<ArchiveItem>) {
    const out: string[] = [];
    for await (const item of items) out.push(item.path);
    return out;
  }

  it('data left unread is skipped over, and the next item is right', async () => {
    expect(await pathsWithoutReading(expandArchive('zip', { kind: 'buffer', data: zip }))).toEqual([
      'a.txt',
      'b.txt',
    ]);
    expect(
      await pathsWithoutReading(
        expandArchive('gzip', { kind: 'buffer', data: tgz }, { name: 't.tgz' }),
      ),
    ).toEqual(['t.tar!a.txt', 't.tar!b.txt']);
  });

  it('half-read data is fine too, and an old data iterable yields nothing later', async () => {
    const kept: AsyncIterable<Buffer>[] = [];
    const seen: string[] = [];
    for await (const item of expandArchive(
      'gzip',
      { kind: 'buffer', data: tgz },
      { name: 't.tgz' },
    )) {
      if (item.kind !== 'entry') continue;
      for await (const piece of item.data) {
        seen.push(`${item.path}:${piece.length > 0}`);
        break;
      }
      kept.push(item.data);
    }
    expect(seen).toEqual(['t.tar!a.txt:true', 't.tar!b.txt:true']);
    for (const data of kept) {
      for await (const _ of data) throw new Error('stale data yielded');
    }
  });

  it('leaving the loop early closes the file', async () => {
    const path = join(dir, 'early.zip');
    writeFileSync(path, zip);
    const tgzPath = join(dir, 'early.tgz');
    writeFileSync(tgzPath, tgz);
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      for await (const _ of expandArchive('zip', { kind: 'file', path })) break;
      for await (const _ of expandArchive('gzip', { kind: 'file', path: tgzPath })) break;
    }
    // Closing is asynchronous: give the event loop a few turns.
    for (let i = 0; i < 20 && openFds() > before; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(openFds()).toBeLessThanOrEqual(before);
  });

  it('limits must be positive numbers (a programming error, thrown at once)', async () => {
    const run = (limits: object) =>
      collectArchive(expandArchive('zip', { kind: 'buffer', data: zip }, { limits }));
    await expect(run({ maxDepth: 0 })).rejects.toThrow(RangeError);
    await expect(run({ maxRatio: Number.NaN })).rejects.toThrow(RangeError);
    await expect(run({ maxTotalBytes: Number.POSITIVE_INFINITY })).resolves.toHaveLength(2);
  });
});
