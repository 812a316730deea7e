import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { expandArchive } from '../../../src/sources/archive/expand-archive.js';
import { sniffArchive } from '../../../src/sources/archive/sniff-archive.js';
import { piecesOf } from '../../helpers/archive-writers.js';
import { collectArchive } from '../../helpers/collect-archive.js';
import { fakePair } from '../../helpers/fake-keys.js';
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
