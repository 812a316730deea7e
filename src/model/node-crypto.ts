import { createRequire } from 'node:module';

type Crypto = typeof import('node:crypto');
let loaded: Crypto | undefined;

/**
 * node:crypto, loaded on first use. Loading it costs a few milliseconds of every start (its
 * ciphers, streams and key objects), and a scan that finds nothing, or a tree with no key, hashes
 * nothing: the pre-commit hook and `tree` on a small repository pay for it only when they need it.
 */
export function nodeCrypto(): Crypto {
  loaded ??= createRequire(import.meta.url)('node:crypto') as Crypto;
  return loaded;
}
