import type { RuleKind } from '../model/rule.js';
import { shannonEntropy } from './entropy.js';

const HEX_ONLY = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
const AWS_TOKEN_MARK = /YXdz|b3JpZ2lu/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const KEYBOARD = 'qwertyuiopasdfghjklzxcvbnm';
// The ~220 most frequent English letter pairs. A random base32 body has few of them; words
// (ASIAPACIFICSOUTHEAST, ASIANCUISINEMENUITEM) are made of almost nothing else.
const COMMON_BIGRAMS = new Set(
  (
    'TH HE IN ER AN RE ON AT EN ND TI ES OR TE OF ED IS IT AL AR ST TO NT NG SE HA AS OU IO LE VE ' +
    'CO ME DE HI RI RO IC NE EA RA CE LI CH LL BE MA SI OM UR CA EL TA LA NS DI FO HO PE EC PR NO ' +
    'CT US AC OT IL TR LY NC ET UT SS SO RS UN LO WA GE IE WH EE WI EM AD OL RT PO WE NA UL NI TS ' +
    'MO OW PA IM MI AI SH IR SU ID OS IV IA AM FI CI VI PL IG TU EV LD RY MP FE BL AB GH TY OP WO ' +
    'SA AY EX KE FR OO AV AG IF AP GR OD BO SP RD DO UC BU EI OV BY RM EP TT OC FA EF CU RN SC GI ' +
    'DA CR CL DU GA QU UE FF BA UM PP UP LU GO HT RU UG DS LT PI RC RR EG AU CK MU BR BI PT AK PU ' +
    'UI RG IB TL KI RK OB MM FU PH OG MS MB IP UB OI RL GU DR HR CC TW FT WN NU AF HU NN EO VO RV ' +
    'NF XP AW SM'
  ).split(' '),
);

/** True when most neighbouring characters step by one (ABCDEF…, 123456…): typed placeholders. */
export function isSequential(value: string): boolean {
  if (value.length < 8) return false;
  const folded = value.toLowerCase();
  let steps = 0;
  for (let i = 1; i < folded.length; i++) {
    const d = folded.charCodeAt(i) - folded.charCodeAt(i - 1);
    if (d === 1 || d === -1) steps++;
  }
  if (steps / (folded.length - 1) > 0.5) return true;
  // A short unit typed again and again (QWERTYQWERTY…, AbCdAbCd…).
  const repeated = /^(.{1,8}?)\1+/.exec(folded);
  if (repeated !== null && repeated[0].length >= folded.length * 0.75) return true;
  const head = folded.slice(0, 12);
  const tail = folded.slice(-12);
  return [BASE32.toLowerCase(), ALPHABET, DIGITS, KEYBOARD].some(
    (run) => run.includes(head) || run.includes(tail),
  );
}

/**
 * True when a key-ID body reads as English words rather than random base32: no digit and nearly
 * every letter pair a common one. About one real key in 100,000 looks like this.
 */
export function isWordLike(body: string): boolean {
  if (!/^[A-Z]+$/.test(body)) return false;
  let common = 0;
  for (let i = 1; i < body.length; i++) {
    if (COMMON_BIGRAMS.has(body.slice(i - 1, i + 1))) common++;
  }
  return common >= body.length - 3;
}

/**
 * True when a secret candidate is mostly English (`ThisIsNotARealSecretKeyJustAPlaceholder1`):
 * random base64 has about 8 common letter pairs in 39 (25 at most in 300,000 draws), prose 28 or more.
 */
export function isWordy(value: string): boolean {
  const folded = value.toUpperCase();
  let common = 0;
  for (let i = 1; i < folded.length; i++) {
    if (COMMON_BIGRAMS.has(folded.slice(i - 1, i + 1))) common++;
  }
  return common >= (folded.length - 1) * 0.7;
}

/**
 * Structural checks beyond the regex, per kind: entropy, character mix and shape.
 * They reject what cannot be a generated AWS value (hashes, words, placeholders).
 */
export function isPlausibleValue(kind: RuleKind, value: string, minEntropy: number): boolean {
  if (shannonEntropy(value) < minEntropy) return false;
  switch (kind) {
    case 'key-id':
    case 'identifier': {
      const body = value.slice(4);
      return !isSequential(body) && !isWordLike(body);
    }
    case 'secret':
      // SHA-1s and other hex digests; real secrets mix cases and (almost always) digits or + /.
      if (HEX_ONLY.test(value)) return false;
      if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9+/]/.test(value)) return false;
      return !isSequential(value) && !isWordy(value);
    case 'session-token':
      // STS tokens are base64 of a structure naming "aws" (YXdz) or "origin" (b3JpZ2lu) near its
      // start; a long value under a generic `sessionToken` name without them is someone else's.
      return /[a-z]/.test(value) && /[A-Z]/.test(value) && AWS_TOKEN_MARK.test(value.slice(0, 64));
    case 'pair':
      return true;
  }
}
