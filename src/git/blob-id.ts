import { nodeCrypto } from '../model/node-crypto.js';

/**
 * The object id git gives `data` as a blob: SHA-1 (40 hex digits) or, in a SHA-256 repository,
 * SHA-256 (64), over `blob <size>\0` and the bytes.
 */
export function gitBlobId(data: Buffer, idLength: number): string {
  return nodeCrypto()
    .createHash(idLength === 64 ? 'sha256' : 'sha1')
    .update(`blob ${data.length}\0`)
    .update(data)
    .digest('hex');
}
