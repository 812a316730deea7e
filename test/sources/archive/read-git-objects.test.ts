import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expandArchive } from '../../../src/sources/archive/expand-archive.js';
import { sniffArchive } from '../../../src/sources/archive/sniff-archive.js';
import { piecesOf } from '../../helpers/archive-writers.js';
import { type Collected, collectArchive } from '../../helpers/collect-archive.js';
import { fakePair } from '../../helpers/fake-keys.js';
import {
  basesAfter,
  fetchThin,
  gitId,
  insertOnly,
  ofsDelta,
  packObject,
  packOf,
  REF_DELTA,
  redactedInPlace,
  refDelta,
  typeAt,
  verifyPack,
} from '../../helpers/git-packs.js';
import { createRepo } from '../../helpers/git-repo.js';

/** Lines that make a file worth a delta; random enough that git keeps them apart. */
function body(lines: number, tag: string): string {
  let out = '';
  for (let i = 0; i < lines; i++) out += `${tag} line ${i}: ${fakePair().secret.slice(0, 20)}\n`;
  return out;
}

const repo = createRepo();
afterAll(() => repo.cleanup());
const pair = fakePair();
const keyLines = `aws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`;
const base = body(300, 'base');
// The version with the key is not the largest: git stores it as a delta against a later one.
repo.write('conf.txt', base);
repo.commitAll('one');
repo.write('conf.txt', base.replace('base line 150:', `${keyLines}base line 150:`));
repo.commitAll('key');
const keyedBlob = repo.git('rev-parse', 'HEAD:conf.txt').trim();
repo.write('conf.txt', base + body(100, 'extra'));
repo.commitAll('larger');
const loose = readFileSync(
  join(repo.dir, '.git/objects', keyedBlob.slice(0, 2), keyedBlob.slice(2)),
);
repo.git('gc', '-q', '--aggressive');
const packDir = join(repo.dir, '.git/objects/pack');
const packName = readdirSync(packDir).find((n) => n.endsWith('.pack')) as string;
const pack = readFileSync(join(packDir, packName));

const expand = (format: 'git-pack' | 'zlib', data: Buffer) =>
  collectArchive(expandArchive(format, { kind: 'buffer', data }));

describe('git objects', () => {
  it('sniffs a pack by PACK and its version, a zlib stream by its header', () => {
    expect(sniffArchive(pack)).toBe('git-pack');
    expect(sniffArchive(loose)).toBe('zlib');
    expect(sniffArchive(Buffer.from('PACK of cards, version 2\n'))).toBeUndefined();
  });

  it('applies a delta to its base, so the version a key was in is whole', async () => {
    const verified = repo.git(
      'verify-pack',
      '-v',
      join(packDir, packName.replace('.pack', '.idx')),
    );
    // The keyed blob is a delta here: otherwise this test proves nothing about deltas.
    expect(verified).toMatch(new RegExp(`^${keyedBlob} blob +\\d+ \\d+ \\d+ 1 `, 'm'));
    const items = await expand('git-pack', pack);
    expect(items.filter((i) => i.kind === 'skipped')).toEqual([]);
    const holding = items.filter((i) => i.kind === 'entry' && i.text.includes(keyLines));
    expect(holding.map((i) => i.path)).toEqual([expect.stringMatching(/^blob@\d+$/)]);
    expect(items.filter((i) => i.path.startsWith('commit@'))).toHaveLength(3);
  });

  it('finds a key redacted in place before the repository was packed', async () => {
    // Every alignment of the key against the lines before it: git cuts its copies differently.
    for (let pad = 0; pad < 8; pad++) {
      const r = createRepo();
      try {
        const p = fakePair();
        const lines = `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
        const text = `#${'x'.repeat(pad)}\n${body(200, 'conf')}`;
        r.write('conf.txt', text.replace('conf line 100:', `${lines}conf line 100:`));
        r.commitAll('key');
        const redacted = lines.replace(p.id, '*'.repeat(20)).replace(p.secret, '*'.repeat(40));
        r.write('conf.txt', text.replace('conf line 100:', `${redacted}conf line 100:`));
        r.commitAll('redacted');
        r.git('gc', '-q', '--aggressive');
        const dir = join(r.dir, '.git/objects/pack');
        const name = readdirSync(dir).find((n) => n.endsWith('.pack')) as string;
        const items = await expand('git-pack', readFileSync(join(dir, name)));
        // Either version may be the delta: the keyed text is whole whichever it is.
        expect(
          items.some((i) => i.kind === 'entry' && i.text.includes(lines)),
          `pad ${pad}`,
        ).toBe(true);
      } finally {
        r.cleanup();
      }
    }
  });

  it('opens a bundle: its pack after the ref lines', async () => {
    repo.git('bundle', 'create', 'all.bundle', '--all');
    const bundle = readFileSync(join(repo.dir, 'all.bundle'));
    expect(sniffArchive(bundle)).toBe('git-pack');
    const items = await expand('git-pack', bundle);
    expect(items.filter((i) => i.kind === 'skipped')).toEqual([]);
    expect(items.some((i) => i.kind === 'entry' && i.text.includes(keyLines))).toBe(true);
  });

  it('opens a loose object after its header, and any zlib stream that inflates whole', async () => {
    const items = await expand('zlib', loose);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'entry', path: 'blob' });
    expect(items[0]?.kind === 'entry' && items[0].text.startsWith('base line 0:')).toBe(true);
    const plain = await expand('zlib', deflateSync(Buffer.from(keyLines)));
    expect(plain).toEqual([
      { kind: 'entry', path: 'zlib-data', text: keyLines, bytes: keyLines.length },
    ]);
  });

  it('takes text that starts like zlib for text: no member, no skip, however large', async () => {
    const text = Buffer.from('x^2 + y^2 = r^2, a circle of radius r\n');
    expect(sniffArchive(text)).toBe('zlib');
    expect(await expand('zlib', text)).toEqual([]);
    // Larger than may be held: told by its first bytes, not a skip for its size.
    const log = Buffer.from(`x^ log start\n${'a line of the log\n'.repeat(1000)}`);
    const items = await collectArchive(
      expandArchive(
        'zlib',
        { kind: 'stream', pieces: piecesOf(log) },
        { limits: { maxBufferedBytes: 1024 } },
      ),
    );
    expect(items).toEqual([]);
    // A real stream that large is a skip, though.
    const real = deflateSync(randomBytes(8192));
    const over = await collectArchive(
      expandArchive(
        'zlib',
        { kind: 'stream', pieces: piecesOf(real) },
        { limits: { maxBufferedBytes: 1024 } },
      ),
    );
    expect(over.map((i) => i.kind === 'skipped' && i.reason)).toEqual(['archive-limit']);
  });

  it('lists a pack cut short or damaged, and the objects after a fault', async () => {
    const cut = await expand('git-pack', pack.subarray(0, pack.length >> 1));
    expect(cut.filter((i) => i.kind === 'skipped').map((i) => i.reason)).toContain(
      'archive-unreadable',
    );
    const damaged = Buffer.from(pack);
    // The first object's data: its zlib header, two bytes after its one-byte type and size.
    damaged.writeUInt16BE(0xffff, 14);
    const items = await expand('git-pack', damaged);
    expect(items.filter((i) => i.kind === 'skipped').map((i) => i.detail)).toContainEqual(
      expect.stringMatching(/objects after byte \d+ were not read/),
    );
  });
});

/** A key pair's credentials lines, and the same lines redacted in place. */
function keyAndRedacted(): { lines: string; redacted: string } {
  const p = fakePair();
  const lines = `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
  return { lines, redacted: redactedInPlace(lines, p) };
}

/** Where each object of a hand-written pack starts. */
function offsetsOf(objects: readonly Buffer[]): number[] {
  let at = 12;
  return objects.map((o) => {
    const start = at;
    at += o.length;
    return start;
  });
}

type Skipped = Extract<Collected, { kind: 'skipped' }>;
const skipsOf = (items: readonly Collected[]): Skipped[] =>
  items.filter((i): i is Skipped => i.kind === 'skipped');

describe('git pack deltas on a base named by id, read later, or never', () => {
  it("applies a fetched thin pack's deltas to the bases index-pack appended at its end, a chain included", async () => {
    const a = createRepo();
    const b = createRepo();
    try {
      const { lines, redacted } = keyAndRedacted();
      const text = body(200, 'conf');
      const at = (block: string) => text.replace('conf line 100:', `${block}conf line 100:`);
      // The key committed, then a later version on it: git sends the keyed one as a delta on the
      // later one, which is a delta on the redacted version b has (named by id, appended).
      const later = `${at(lines).replace('conf line 10:', 'CONF line 10:')}${body(20, 'more')}`;
      const pack = fetchThin(a, b, 'conf.txt', at(redacted), [at(lines), later]);
      const keyed = a.git('rev-parse', 'HEAD~1:conf.txt').trim();
      const redactedId = a.git('rev-parse', 'HEAD~2:conf.txt').trim();
      // The shape this test is about, or it proves nothing: a REF_DELTA on the redacted version
      // appended after it, and the keyed version a delta.
      expect(basesAfter(pack).map((o) => o.base)).toContain(redactedId);
      const keyedRow = pack.objects.find((o) => o.id === keyed);
      expect(keyedRow?.base).toBeDefined();
      const items = await expand('git-pack', pack.data);
      expect(skipsOf(items)).toEqual([]);
      const holding = items.filter((i) => i.kind === 'entry' && i.text.includes(lines));
      expect(holding.map((i) => i.path)).toContain(`blob@${keyedRow?.offset}`);
      expect(items.filter((i) => i.path.startsWith('delta@'))).toEqual([]);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it.each(['sha1', 'sha256'])(
    'applies a delta to an earlier base it names by id (a pack written without offsets, %s ids)',
    async (format) => {
      const r = createRepo({ init: false });
      try {
        r.git('init', '-q', `--object-format=${format}`, '-b', 'main');
        const { lines, redacted } = keyAndRedacted();
        const text = body(200, 'conf');
        r.write('conf.txt', text.replace('conf line 100:', `${lines}conf line 100:`));
        r.commitAll('key');
        r.write('conf.txt', text.replace('conf line 100:', `${redacted}conf line 100:`));
        r.commitAll('redacted');
        r.git('-c', 'repack.useDeltaBaseOffset=false', 'repack', '-adfq');
        const dir = join(r.dir, '.git/objects/pack');
        const idx = readdirSync(dir).find((n) => n.endsWith('.idx')) as string;
        const data = readFileSync(join(dir, idx.replace('.idx', '.pack')));
        const objects = verifyPack(r, join(dir, idx));
        // Every delta names its base by id, and there is one: otherwise this proves nothing.
        const deltas = objects.filter((o) => o.base !== undefined);
        expect(deltas).not.toEqual([]);
        expect(deltas.map((o) => typeAt(data, o.offset))).toEqual(deltas.map(() => REF_DELTA));
        const items = await expand('git-pack', data);
        expect(skipsOf(items)).toEqual([]);
        expect(items.filter((i) => i.path.startsWith('delta@'))).toEqual([]);
        expect(items.some((i) => i.kind === 'entry' && i.text.includes(lines))).toBe(true);
      } finally {
        r.cleanup();
      }
    },
  );

  it("lists a bundle's deltas on its prerequisites, and still reads the bytes they insert", async () => {
    const r = createRepo();
    try {
      const { lines, redacted } = keyAndRedacted();
      const inserted = keyAndRedacted().lines;
      const conf = body(200, 'conf');
      const notes = body(200, 'notes');
      r.write('conf.txt', conf.replace('conf line 100:', `${redacted}conf line 100:`));
      r.write('notes.txt', notes);
      r.commitAll('redacted');
      r.write('conf.txt', conf.replace('conf line 100:', `${lines}conf line 100:`));
      r.write('notes.txt', notes.replace('notes line 100:', `${inserted}notes line 100:`));
      r.commitAll('keys');
      const bases = ['conf.txt', 'notes.txt'].map((f) => r.git('rev-parse', `HEAD~1:${f}`).trim());
      r.git('bundle', 'create', 'thin.bundle', 'main~1..main');
      const items = await expand('git-pack', readFileSync(join(r.dir, 'thin.bundle')));
      const skips = skipsOf(items);
      // Both blobs are deltas on versions the bundle leaves to its prerequisite: each listed.
      expect(skips.map((s) => s.detail).sort()).toEqual(
        bases
          .map(
            (id) =>
              expect.stringMatching(
                new RegExp(
                  `^git pack delta at byte \\d+: its base \\(object ${id}\\) is not in this pack; only the bytes it inserts were read$`,
                ),
              ) as unknown as string,
          )
          .sort(),
      );
      expect(skips.map((s) => [s.path, s.reason])).toEqual([
        [expect.stringMatching(/^delta@\d+$/), 'archive-unreadable'],
        [expect.stringMatching(/^delta@\d+$/), 'archive-unreadable'],
      ]);
      // A key the delta inserts whole is still read.
      expect(
        items.some(
          (i) => i.kind === 'entry' && /^delta@\d+$/.test(i.path) && i.text.includes(inserted),
        ),
      ).toBe(true);
    } finally {
      r.cleanup();
    }
  });

  it('resolves a long chain of deltas named by id whose first base comes last, without recursion', async () => {
    const base = Buffer.from('the base, appended at the end\n');
    const results = Array.from({ length: 3000 }, (_, i) => Buffer.from(`version ${i}\n`));
    // Delta i is on version i + 1; the last one on the base, which is the pack's last object.
    const deltas = results.map((result, i) => {
      const on = results[i + 1] ?? base;
      return refDelta(gitId('blob', on), insertOnly(on.length, result));
    });
    const items = await expand('git-pack', packOf([...deltas, packObject(3, base)]));
    expect(skipsOf(items)).toEqual([]);
    const texts = new Set(items.map((i) => i.kind === 'entry' && i.text));
    expect(results.every((r) => texts.has(r.toString()))).toBe(true);
    expect(items.every((i) => i.path.startsWith('blob@'))).toBe(true);
  });

  it("ends a hostile pack's deltas on themselves, on each other, on nothing, or on a misfit base, each listed", async () => {
    const blob = Buffer.from('a plain blob\n');
    const self = Buffer.from('a delta naming its own result\n');
    const first = Buffer.from('one of a cycle\n');
    const second = Buffer.from('the other of the cycle\n');
    const objects = [
      packObject(3, blob),
      refDelta(gitId('blob', self), insertOnly(self.length, self)),
      refDelta(gitId('blob', second), insertOnly(second.length, first)),
      refDelta(gitId('blob', first), insertOnly(first.length, second)),
      // A base that fits no size it says: the blob is shorter.
      refDelta(gitId('blob', blob), insertOnly(blob.length + 1, Buffer.from('misfit\n'))),
    ];
    // On itself (an offset of 0 back), and on a delta of the cycle, by offset.
    objects.push(ofsDelta(0, insertOnly(1, Buffer.from('on itself\n'))));
    const offsets = offsetsOf([...objects, Buffer.alloc(0)]);
    const cycle = offsets[2] as number;
    objects.push(
      ofsDelta((offsets[6] as number) - cycle, insertOnly(first.length, Buffer.from('chained\n'))),
    );
    const items = await expand('git-pack', packOf(objects));
    const at = offsetsOf(objects);
    expect(skipsOf(items).map((s) => [s.path, s.detail])).toEqual([
      [`delta@${at[4]}`, expect.stringMatching(/: it does not fit its base \(a damaged delta\);/)],
      [
        `delta@${at[5]}`,
        expect.stringMatching(/: its base offset \(byte \d+\) is not an earlier object;/),
      ],
      [
        `delta@${at[1]}`,
        expect.stringMatching(/: its base \(object [0-9a-f]{40}\) is not in this pack;/),
      ],
      [
        `delta@${at[2]}`,
        expect.stringMatching(/: its base \(object [0-9a-f]{40}\) is not in this pack;/),
      ],
      [
        `delta@${at[3]}`,
        expect.stringMatching(/: its base \(object [0-9a-f]{40}\) is not in this pack;/),
      ],
      [
        `delta@${at[6]}`,
        expect.stringMatching(
          new RegExp(`: its base, the delta at byte ${cycle}, was not resolved;`),
        ),
      ],
    ]);
    // Each one's inserted bytes are still read.
    const texts = items.map((i) => i.kind === 'entry' && i.text);
    for (const t of ['a plain blob\n', self, first, second, 'misfit\n', 'on itself\n', 'chained\n'])
      expect(texts).toContain(t.toString());
  });

  it('holds deltas waiting for a base only up to the memory it may, and lists the rest at once', async () => {
    const base = Buffer.from('the base, appended at the end\n');
    const waiting = Array.from({ length: 10 }, (_, i) =>
      refDelta(
        gitId('blob', base),
        insertOnly(base.length, Buffer.from(`${i} ${'x'.repeat(1000)}\n`)),
      ),
    );
    const items = await collectArchive(
      expandArchive(
        'git-pack',
        { kind: 'buffer', data: packOf([...waiting, packObject(3, base)]) },
        { limits: { maxBufferedBytes: 4096 } },
      ),
    );
    const skips = skipsOf(items);
    // Four fit in 4 KiB; the other six are listed when they are read, not held.
    expect(skips).toHaveLength(6);
    for (const s of skips) expect(s.detail).toMatch(/hold all the memory they may/);
    expect(items.filter((i) => i.path.startsWith('blob@'))).toHaveLength(5);
  });

  it('lists thousands of deltas on bases that never come, in bounded time', async () => {
    const deltas = Array.from({ length: 3000 }, (_, i) =>
      refDelta(
        gitId('blob', Buffer.from(`absent ${i}`)),
        insertOnly(8, Buffer.from(`kept ${i}\n`)),
      ),
    );
    const started = Date.now();
    const items = await expand('git-pack', packOf(deltas));
    expect(skipsOf(items)).toHaveLength(3000);
    expect(items.filter((i) => i.kind === 'entry')).toHaveLength(3000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
  it('checks a delta before it copies: 64 MiB declared, filled by copies, then overflowing, costs nothing', async () => {
    const base = Buffer.alloc(0x10000);
    // Declared 64 MiB - 1; 1,024 one-byte copies of 64 KiB fill it, and the last runs over.
    const varint = (n: number) => {
      const out: number[] = [];
      for (let rest = n; ; ) {
        const low = rest & 127;
        rest = Math.floor(rest / 128);
        out.push(rest > 0 ? 0x80 | low : low);
        if (rest === 0) return out;
      }
    };
    const delta = Buffer.from([...varint(base.length), ...varint(64 * 2 ** 20 - 1)]);
    const hostile = Buffer.concat([delta, Buffer.alloc(1024, 0x80)]);
    const blob = packObject(3, base);
    const objects = [blob];
    let at = 12 + blob.length;
    for (let i = 0; i < 400; i++) {
      const next = ofsDelta(at - 12, hostile);
      objects.push(next);
      at += next.length;
    }
    const started = Date.now();
    const items = await expand('git-pack', packOf(objects));
    expect(skipsOf(items).length).toBeGreaterThanOrEqual(400);
    // A ceiling that catches the old cost (each delta allocated and copied 64 MiB: ~30 s here).
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
