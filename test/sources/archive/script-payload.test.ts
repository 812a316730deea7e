import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scriptPayload } from '../../../src/sources/archive/script-payload.js';
import { gzipBuffer } from '../../helpers/archive-writers.js';

const SCRIPT = Buffer.from('#!/bin/sh\n# self-extracting\ntail -n +5 "$0" | tar xz\nexit 0\n');
const gzip = gzipBuffer(Buffer.from('hello\n'));
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

describe('scriptPayload', () => {
  it('finds a gzip member right after a script line, to be opened from there', () => {
    const file = Buffer.concat([SCRIPT, gzip]);
    expect(scriptPayload(file, 0, file.length)).toEqual({
      at: SCRIPT.length,
      format: 'gzip',
      opens: true,
    });
  });

  it('names a payload in a format keyguard does not open, to be listed', () => {
    const bzip2 = Buffer.from('BZh91AY&SY');
    for (const [magic, name] of [
      [XZ, 'xz'],
      [bzip2, 'bzip2'],
      [Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), 'zstd'],
    ] as const) {
      const file = Buffer.concat([SCRIPT, magic, randomBytes(64)]);
      expect(scriptPayload(file, 0, file.length), name).toEqual({
        at: SCRIPT.length,
        format: name,
        opens: false,
      });
    }
  });

  it('takes whichever payload starts first, within the region given', () => {
    const file = Buffer.concat([SCRIPT, XZ, Buffer.from('\n'), gzip]);
    expect(scriptPayload(file, 0, file.length)?.format).toBe('xz');
    const later = Buffer.concat([Buffer.from('padding\n'), SCRIPT, gzip]);
    // Searched from `start`, the content's start, and counted from there.
    expect(scriptPayload(later, 8, later.length)?.at).toBe(SCRIPT.length);
    // A payload past the end of the region is not seen.
    expect(scriptPayload(later, 8, 8 + SCRIPT.length + 4)).toBeUndefined();
  });

  it('leaves alone what is not a script, and magic not at a line start or not valid', () => {
    // No `#!`: a binary with gzip inside is not a script with a payload.
    const binary = Buffer.concat([Buffer.from('\x7fELF\n'), gzip]);
    expect(scriptPayload(binary, 0, binary.length)).toBeUndefined();
    // Mid-line.
    const midLine = Buffer.concat([SCRIPT, Buffer.from('x'), gzip]);
    expect(scriptPayload(midLine, 0, midLine.length)).toBeUndefined();
    // Reserved gzip flag bits set, method not deflate, text that starts like bzip2.
    const reserved = Buffer.from(gzip);
    reserved[3] = 0xe0;
    const stored = Buffer.from(gzip);
    stored[2] = 0x07;
    for (const tail of [reserved, stored, Buffer.from('BZh9 is how bzip2 starts\n')]) {
      const file = Buffer.concat([SCRIPT, tail]);
      expect(scriptPayload(file, 0, file.length)).toBeUndefined();
    }
    // Lines that start with a payload's first byte and are text ('B', 'R', '(' and '7').
    const text = Buffer.from('#!/bin/sh\nBEGIN=1\nRUN=2\n(cd x)\n7 days\n');
    expect(scriptPayload(text, 0, text.length)).toBeUndefined();
  });
});
