import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expandArchive, sniffArchive } from '../../../src/sources/archive/index.js';
import { piecesOf } from '../../helpers/archive-writers.js';
import { collectArchive, countArchive, skipsOf } from '../../helpers/collect-archive.js';
import { fakePair } from '../../helpers/fake-keys.js';
import { iTXt, pngChunk, pngWith, zTXt } from '../../helpers/png-writer.js';

const expand = (png: Buffer, limits = {}) =>
  collectArchive(expandArchive('png', { kind: 'buffer', data: png }, { limits }));

describe('PNG text chunks', () => {
  it('is sniffed by its signature', () => {
    expect(sniffArchive(pngWith([]))).toBe('png');
  });

  it('zTXt and compressed iTXt are inflated and handed out; tEXt and plain iTXt are raw text already', async () => {
    const p = fakePair();
    const png = pngWith([
      pngChunk('tEXt', Buffer.from('Title\0plain title')),
      zTXt('Comment', `aws_access_key_id=${p.id}`),
      iTXt('Description', `aws_secret_access_key=${p.secret}`, true),
      iTXt('Author', 'plain author', false),
    ]);
    expect(png.includes(p.id)).toBe(false);
    expect(await expand(png)).toEqual([
      { kind: 'entry', path: 'zTXt:Comment', text: `aws_access_key_id=${p.id}`, bytes: 38 },
      {
        kind: 'entry',
        path: 'iTXt:Description',
        text: `aws_secret_access_key=${p.secret}`,
        bytes: 62,
      },
    ]);
  });

  it('read as a stream too, in small pieces', async () => {
    const p = fakePair();
    const png = pngWith([pngChunk('IDAT', Buffer.alloc(100_000)), zTXt('Comment', p.id)]);
    const items = await collectArchive(
      expandArchive('png', { kind: 'stream', pieces: piecesOf(png, 777) }),
    );
    expect(items.map((i) => i.path)).toEqual(['zTXt:Comment']);
  });

  it('a text chunk that does not inflate, is malformed, or is cut short: listed', async () => {
    const bad = await expand(pngWith([zTXt('Comment', '', Buffer.from('not deflate'))]));
    expect(bad.map((i) => [i.kind, i.path, 'reason' in i ? i.reason : ''])).toEqual([
      ['skipped', 'zTXt:Comment', 'archive-unreadable'],
    ]);
    const malformed = await expand(pngWith([pngChunk('iTXt', Buffer.from('Key\0\x01\0en'))]));
    expect(skipsOf(malformed).map((s) => s.reason)).toEqual(['archive-unreadable']);
    const whole = pngWith([zTXt('Comment', 'some text')]);
    const at = whole.indexOf('zTXt');
    const cut = await expand(whole.subarray(0, at + 10));
    expect(skipsOf(cut).map((s) => s.detail)).toEqual([expect.stringContaining('cut short')]);
  });

  it('a zTXt bomb stops at the ratio limit; a truncated image chunk is not our business', async () => {
    const bomb = zTXt('Comment', '', deflateSync(Buffer.alloc(8 * 1024 * 1024)));
    const items = await countArchive(
      expandArchive(
        'png',
        { kind: 'buffer', data: pngWith([bomb]) },
        { limits: { ratioFloorBytes: 1024 } },
      ),
    );
    expect(skipsOf(items).map((s) => s.reason)).toEqual(['archive-limit']);
    const image = pngWith([pngChunk('IDAT', Buffer.alloc(1000))]);
    expect(await expand(image.subarray(0, 60))).toEqual([]);
  });
});
