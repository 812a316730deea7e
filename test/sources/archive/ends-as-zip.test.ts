import { describe, expect, it } from 'vitest';
import { endsAsZip, ZIP_TAIL_BYTES } from '../../../src/sources/archive/ends-as-zip.js';
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
