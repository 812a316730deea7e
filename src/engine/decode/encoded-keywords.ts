/**
 * What the reader's byte prefilter looks for so that encoded keys reach the engine: the fixed
 * base64 characters of `AKIA` and `ASIA` at each alignment (`QUtJ`/`QVNJ`, `FLSU`/`FTSU`, and
 * `0lB`, shared by both at the third), and an escaped `A` as URL, JSON/JS and HTML write it.
 * Few on purpose, and ASCII only: each takes one of the SIMD scanner's 64 keyword slots. A chunk
 * whose bytes hold none of them is marked `plainOnly`: there only base64 values after a secret's
 * label are decoded. Other prefixes (`ABIA`, `ACCA`) and base64 of base64 are found where one of
 * these occurs too (see docs/design.md).
 */
export const ENCODED_KEYWORDS: readonly {
  readonly words: readonly string[];
  readonly minRun: number;
}[] = [
  // An encoded key ID is a run of at least 26 base64 characters.
  { words: ['QUtJ', 'QVNJ', 'FLSU', 'FTSU', '0lB'], minRun: 24 },
  // `%41KIA…` and `\u0041KIA…` are runs of the scanner's class (escapes included) too.
  { words: ['%41', 'u0041'], minRun: 16 },
  // Entities and `\u{…}` break every run (`&#65;&#75;…`, `\u{41}\u{4b}…`).
  { words: ['&#65', '&#x41', 'u{41'], minRun: 0 },
];
