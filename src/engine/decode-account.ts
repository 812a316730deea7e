const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** 4-character prefix, then 16 base32 characters: the shape that carries an account. */
const MODERN = /^[A-Z]{4}[A-Z2-7]{16}$/;
const PREFIX_LENGTH = 4;
/** The account sits in bits 46…7 of the first 48 bits of the decoded body. */
const ACCOUNT_MASK = 0x7fffffffff80n;
const MAX_ACCOUNT = 999_999_999_999n;

/**
 * Decodes the 12-digit AWS account from a modern access key ID (or unique ID of the same shape)
 * without calling AWS: base32-decode the 16 characters after the prefix, read the first 48 bits,
 * keep bits 46…7. Undocumented by AWS (found by Aidan Steele, corrected by Tal Be'ery); the
 * official route is `sts:GetAccessKeyInfo`.
 *
 * Returns undefined for legacy IDs (fifth character `I` or `J`), which do not carry the account,
 * for anything that is not 4 letters + 16 base32 characters, and when the bits do not make a
 * 12-digit number.
 */
export function decodeAccountId(keyId: string): string | undefined {
  if (!MODERN.test(keyId)) return undefined;
  const fifth = keyId.charAt(PREFIX_LENGTH);
  if (fifth === 'I' || fifth === 'J') return undefined;
  // 10 characters = 50 bits; the first 48 of them are the ones that matter.
  let bits = 0n;
  for (const c of keyId.slice(PREFIX_LENGTH, PREFIX_LENGTH + 10)) {
    bits = (bits << 5n) | BigInt(BASE32.indexOf(c));
  }
  const first48 = bits >> 2n;
  const account = (first48 & ACCOUNT_MASK) >> 7n;
  // 40 bits reach 13 digits; AWS accounts have 12, so a larger value is not a real encoding.
  if (account > MAX_ACCOUNT) return undefined;
  return account.toString().padStart(12, '0');
}
