import { base64Fingerprints } from './base64-fingerprints.js';

/** A group of byte keywords of encoded key IDs, and the run of base64-like bytes they sit in. */
export interface EncodedKeywords {
  readonly words: readonly string[];
  readonly minRun: number;
}

/**
 * What the reader's byte prefilter looks for so that encoded keys reach the engine, for the key-ID
 * prefixes of the pack (`AKIA`, `ASIA`, `ABIA`, `ACCA`): the fixed base64 characters of each
 * prefix at each alignment (`QUtJQ`, `FLSU`, `BS0lB` for `AKIA`), the same once more encoded
 * (base64 of base64, as a `.dockerconfigjson` `auth` inside a Secret's `data:` is), an escaped `A`
 * as URL, JSON/JS, C and HTML write it, and a plain letter before an escaped one (`A%4BIA…`).
 * ASCII only: their UTF-16 forms would take scanner slots for nothing. A chunk whose bytes hold
 * none of them is marked `plainOnly`: there only values after a secret's label are decoded.
 * Three levels of base64 are not looked for here: their fingerprints (about a hundred) would not
 * fit in the scanner (see docs/design.md).
 */
export function encodedKeywords(prefixes: readonly string[]): EncodedKeywords[] {
  const once = [...new Set(prefixes.flatMap(base64Fingerprints).map((f) => f.text))];
  const twice = [...new Set(once.flatMap(base64Fingerprints).map((f) => f.text))].filter(
    (t) => t.length >= 4,
  );
  // `A%4BIA`, `AK%49A`: a letter written plainly, the next one escaped (upper- or lower-case hex).
  const mixed = prefixes.flatMap((p) =>
    [1, 2].flatMap((i) => {
      const hex = p.charCodeAt(i).toString(16);
      return [`${p.charAt(i - 1)}%${hex.toUpperCase()}`, `${p.charAt(i - 1)}%${hex}`];
    }),
  );
  return [
    // An encoded key ID is a run of at least 26 base64 characters.
    { words: once, minRun: 24 },
    // Encoded twice: at least 36.
    { words: twice, minRun: 32 },
    // `%41KIA…`, `\u0041KIA…`, `\x41KIA…`, `A%4BIA…` are runs of the scanner's class (escapes
    // included) too.
    { words: ['%41', 'u0041', '\\x41', ...new Set(mixed)], minRun: 16 },
    // Entities and `\u{…}` break every run (`&#65;&#75;…`, `\u{41}\u{4b}…`).
    { words: ['&#65', '&#x41', 'u{41'], minRun: 0 },
  ];
}
