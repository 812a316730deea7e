import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sniffArchive } from '../../../src/sources/archive/index.js';
import { tarBuffer, tarHeader, zipBuffer } from '../../helpers/archive-writers.js';

describe('sniffArchive: by magic bytes only', () => {
  it('recognises zip (and an empty zip), gzip, POSIX and GNU tar', () => {
    expect(sniffArchive(zipBuffer([{ name: 'a', data: Buffer.from('x') }]))).toBe('zip');
    expect(sniffArchive(zipBuffer([]))).toBe('zip');
    expect(sniffArchive(gzipSync(Buffer.from('x')))).toBe('gzip');
    expect(sniffArchive(tarBuffer([{ name: 'a', data: Buffer.from('x') }]))).toBe('tar');
    const gnu = tarHeader(Buffer.from('a'), 0);
    gnu.write('ustar  \0', 257, 'latin1');
    gnu.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of gnu) sum += b;
    gnu.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    expect(sniffArchive(gnu)).toBe('tar');
  });

  it('refuses near misses: text with "ustar" at 257, bad checksums, other gzip methods', () => {
    const text = Buffer.alloc(512, 0x61);
    text.write('ustar', 257, 'latin1');
    expect(sniffArchive(text)).toBeUndefined();
    const header = tarHeader(Buffer.from('a'), 0);
    header[0] = 0x62;
    expect(sniffArchive(header)).toBeUndefined();
    expect(sniffArchive(Buffer.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 3]))).toBeUndefined();
    expect(sniffArchive(Buffer.from([0x1f, 0x8b, 0x08, 0xe0, 0, 0, 0, 0, 0, 3]))).toBeUndefined();
    expect(
      sniffArchive(Buffer.from('PK\u0001\u0002 central header first', 'latin1')),
    ).toBeUndefined();
    expect(sniffArchive(Buffer.from('PK'))).toBeUndefined();
    expect(sniffArchive(Buffer.alloc(0))).toBeUndefined();
    // A tar header needs all 512 bytes.
    expect(sniffArchive(tarHeader(Buffer.from('a'), 0).subarray(0, 511))).toBeUndefined();
  });

  it('ignores the name entirely: only bytes are given', () => {
    expect(sniffArchive(Buffer.from('just text that a user named x.zip'))).toBeUndefined();
  });
});
