// PNG files for tests, built at test time from the PNG specification: chunks with real CRCs,
// text chunks plain and compressed, and the damaged ones no encoder writes.
import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 1×1 image with `chunks` between its header and its image data. */
export function pngWith(chunks: readonly Buffer[]): Buffer {
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])),
    ...chunks,
    pngChunk('IDAT', deflateSync(Buffer.from([0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** zTXt: keyword, NUL, method 0, deflated text (or the given bytes). */
export function zTXt(keyword: string, text: string, compressed?: Buffer): Buffer {
  const data = compressed ?? deflateSync(Buffer.from(text, 'latin1'));
  return pngChunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`, 'latin1'), data]));
}

/** iTXt: keyword, NUL, compression flag, method, language, NUL, translated keyword, NUL, text. */
export function iTXt(keyword: string, text: string, compressed: boolean): Buffer {
  const body = Buffer.from(text, 'utf8');
  return pngChunk(
    'iTXt',
    Buffer.concat([
      Buffer.from(`${keyword}\0${compressed ? '\x01' : '\0'}\0en\0`, 'latin1'),
      Buffer.from('Kommentar\0', 'utf8'),
      compressed ? deflateSync(body) : body,
    ]),
  );
}
