import { describe, expect, it } from 'vitest';
import { endsAsZip, ZIP_TAIL_BYTES, zipSpan } from '../../../src/sources/archive/ends-as-zip.js';
import { zipBuffer } from '../../helpers/archive-writers.js';

/** An end record (`PK 05 06`, 22 bytes) whose comment field says `comment` bytes follow. */
function endRecord(comment: number): Buffer {
  const r = Buffer.alloc(22);
  r.write('PK\u0005\u0006', 0, 'latin1');
  r.writeUInt16LE(comment, 20);
  return r;
}

describe('endsAsZip: a zip is known by its end record', () => {
  it('finds the end record with and without a comment, behind any prefix', () => {
    const zip = zipBuffer([{ name: 'a', data: Buffer.from('x') }]);
    expect(endsAsZip(zip)).toBe(true);
    expect(endsAsZip(Buffer.concat([Buffer.from('#!/bin/sh\nexec java -jar "$0"\n'), zip]))).toBe(
      true,
    );
    expect(endsAsZip(Buffer.concat([endRecord(5), Buffer.from('hello')]))).toBe(true);
    // A comment that holds a record-like signature of its own: the real record is further back.
    const tricky = Buffer.concat([endRecord(22), endRecord(7)]);
    expect(endsAsZip(tricky)).toBe(true);
    // The longest comment a record can announce, with the record at the very start of the tail.
    const longest = Buffer.concat([endRecord(0xffff), Buffer.alloc(0xffff, 0x61)]);
    expect(longest.length).toBe(ZIP_TAIL_BYTES);
    expect(endsAsZip(longest)).toBe(true);
  });

  it('refuses records whose comment does not run exactly to the end, and short input', () => {
    expect(endsAsZip(Buffer.concat([endRecord(5), Buffer.from('hell')]))).toBe(false);
    expect(endsAsZip(Buffer.concat([endRecord(0), Buffer.from('x')]))).toBe(false);
    expect(endsAsZip(endRecord(0).subarray(0, 21))).toBe(false);
    expect(endsAsZip(Buffer.alloc(0))).toBe(false);
    expect(endsAsZip(Buffer.from('PK\u0005\u0006 near the end of plain text', 'latin1'))).toBe(
      false,
    );
    // A record further back than a comment can reach does not count.
    const far = Buffer.concat([endRecord(0xffff), Buffer.alloc(0xffff + 1, 0x61)]);
    expect(endsAsZip(far)).toBe(false);
  });
});

describe('zipSpan: where a zip lies, also with bytes before or after it', () => {
  it('gives the whole content for a zip, and the zip alone when bytes come before or after', () => {
    const zip = zipBuffer([{ name: 'a', data: Buffer.from('x') }]);
    expect(zipSpan(zip, 0, zip.length)).toEqual({ start: 0, end: zip.length });
    // A script put in front without shifting the zip's offsets (cat stub.sh app.zip), a trailer.
    const script = Buffer.from('#!/bin/sh\n');
    const trailed = Buffer.concat([script, zip, Buffer.from('\n# trailer\n')]);
    expect(zipSpan(trailed, 0, trailed.length)).toEqual({
      start: script.length,
      end: script.length + zip.length,
    });
    // An executable jar's offsets count its launch script: the zip starts with the content.
    const jar = zipBuffer([{ name: 'a', data: Buffer.from('x') }], { prefix: script });
    expect(zipSpan(jar, 0, jar.length)).toEqual({ start: 0, end: jar.length });
    // Counted within the region given.
    const framed = Buffer.concat([Buffer.from('ab'), trailed]);
    expect(zipSpan(framed, 2, framed.length)).toEqual({
      start: 2 + script.length,
      end: 2 + script.length + zip.length,
    });
  });

  it('takes no bare signature in binary for a zip: its directory must be where it says', () => {
    const noise = Buffer.alloc(4096, 0x5a);
    endRecord(0).copy(noise, 1000);
    // One entry, a directory of 46 bytes that is not there.
    noise.writeUInt16LE(1, 1008);
    noise.writeUInt16LE(1, 1010);
    noise.writeUInt32LE(46, 1012);
    expect(zipSpan(noise, 0, noise.length)).toBeUndefined();
  });
});
