import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  isScript,
  PayloadWatch,
  scriptPayload,
} from '../../../src/sources/archive/script-payload.js';
import { gzipBuffer, tarBuffer } from '../../helpers/archive-writers.js';

const SCRIPT = Buffer.from('#!/bin/sh\n# self-extracting\ntail -n +5 "$0" | tar xz\nexit 0\n');
const gzip = gzipBuffer(Buffer.from('hello\n'));
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const BZIP2 = Buffer.from('BZh91AY&SY');

describe('scriptPayload', () => {
  it('finds a gzip member after a script, to be opened from there, with or without a line end', () => {
    for (const script of [SCRIPT, SCRIPT.subarray(0, -1)]) {
      const file = Buffer.concat([script, gzip]);
      expect(scriptPayload(file, 0, file.length)).toEqual({
        at: script.length,
        format: 'gzip',
        opens: 'gzip',
      });
    }
  });

  it('opens a zlib stream or an uncompressed tar after a script (makeself --nocomp)', () => {
    const zlib = Buffer.concat([SCRIPT, deflateSync(Buffer.from('hello '.repeat(50)))]);
    expect(scriptPayload(zlib, 0, zlib.length)).toEqual({
      at: SCRIPT.length,
      format: 'zlib',
      opens: 'zlib',
    });
    const tar = Buffer.concat([
      SCRIPT,
      tarBuffer([
        { name: 'data.gz', data: gzip },
        { name: 'readme.txt', data: Buffer.from('hi\n') },
      ]),
    ]);
    expect(scriptPayload(tar, 0, tar.length)).toEqual({
      at: SCRIPT.length,
      format: 'tar',
      opens: 'tar',
    });
  });

  it('looks only where the text ends: no payload past binary that starts none (an AMR recording)', () => {
    const frames = Buffer.from([0x3c, 0x91, 0x17, 0x16, 0xbe, 0x66, 0x78, 0x00, 0x01]);
    const amr = Buffer.concat([
      Buffer.from('#!AMR\n'),
      frames,
      Buffer.from([0x1f, 0x9d, 0x90]),
      gzip,
    ]);
    expect(scriptPayload(amr, 0, amr.length)).toBeUndefined();
    // `x^` in the text just before a payload is no zlib stream: the nearest magic wins.
    const math = Buffer.concat([Buffer.from('#!/bin/sh\n# y = x^'), gzip]);
    expect(scriptPayload(math, 0, math.length)?.format).toBe('gzip');
  });

  it('names a payload in a format keyguard does not open, to be listed', () => {
    for (const [magic, name] of [
      [XZ, 'xz'],
      [BZIP2, 'bzip2'],
      [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd'],
      [Buffer.from([0x1f, 0x9d, 0x90]), 'compress (.Z)'],
      [Buffer.from([0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]), 'lzop'],
    ] as const) {
      // Compressed data after the magic: bytes that text does not hold.
      const file = Buffer.concat([SCRIPT, magic, Buffer.from([0x01, 0x02]), randomBytes(64)]);
      expect(scriptPayload(file, 0, file.length), name).toEqual({
        at: SCRIPT.length,
        format: name,
      });
    }
  });

  it('takes whichever payload starts first, within the region given, counted from its start', () => {
    const file = Buffer.concat([SCRIPT, XZ, Buffer.from('\n'), gzip]);
    expect(scriptPayload(file, 0, file.length)?.format).toBe('xz');
    const later = Buffer.concat([Buffer.from('padding\n'), SCRIPT, gzip]);
    expect(scriptPayload(later, 8, later.length)?.at).toBe(SCRIPT.length);
    // A payload past the end of the region is not seen.
    expect(scriptPayload(later, 8, 8 + SCRIPT.length + 4)).toBeUndefined();
  });

  it('knows a script by #!, after a byte-order mark too', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), SCRIPT]);
    expect(isScript(bom, 0, bom.length)).toBe(true);
    const file = Buffer.concat([bom, gzip]);
    expect(scriptPayload(file, 0, file.length)?.at).toBe(bom.length);
    // No `#!`: a binary with gzip inside is not a script with a payload.
    const binary = Buffer.concat([Buffer.from('\x7fELF\n'), gzip]);
    expect(scriptPayload(binary, 0, binary.length)).toBeUndefined();
  });

  it('leaves alone magic that is not valid, and a bzip2 magic written as text', () => {
    const reserved = Buffer.from(gzip);
    reserved[3] = 0xe0;
    const stored = Buffer.from(gzip);
    stored[2] = 0x07;
    const texts = [
      'BZh9 is how bzip2 starts\n',
      // A script that writes a test file: the magic, then text.
      'cat > t.bz2 <<EOF\nBZh91AY&SY and more text that follows it on the line\nEOF\n',
      '(cd x)\n7 days\nRar is a format\n',
    ].map((t) => Buffer.from(t));
    for (const tail of [reserved, stored, ...texts]) {
      const file = Buffer.concat([SCRIPT, tail]);
      expect(scriptPayload(file, 0, file.length), tail.toString('latin1')).toBeUndefined();
    }
    // compress (.Z) needs a valid flags byte: 1f 9d then text is not one.
    const z = Buffer.concat([SCRIPT, Buffer.from([0x1f, 0x9d, 0x41, 0x01, 0x02])]);
    expect(scriptPayload(z, 0, z.length)).toBeUndefined();
  });
});

describe('PayloadWatch', () => {
  it('finds a payload cut between pieces, at its offset in the content, pieces of any size', () => {
    const file = Buffer.concat([SCRIPT, Buffer.from('#'.repeat(5000)), gzip]);
    for (const size of [1, 3, 7, 64, 100, 165, 1000, 4096]) {
      const watch = new PayloadWatch();
      for (let at = 0; at < file.length; at += size) watch.push(file.subarray(at, at + size));
      watch.finish();
      expect(watch.found, `pieces of ${size}`).toEqual({
        at: SCRIPT.length + 5000,
        format: 'gzip',
        opens: 'gzip',
      });
    }
  });

  it('watches scripts only', () => {
    const watch = new PayloadWatch();
    watch.push(Buffer.concat([Buffer.from('text\n'), gzip]));
    watch.finish();
    expect(watch.found).toBeUndefined();
    expect(watch.done).toBe(true);
  });
});
