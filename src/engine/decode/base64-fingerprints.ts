/** A fixed piece of the base64 form of a word, and where it sits in a 4-character group. */
export interface Base64Fingerprint {
  readonly text: string;
  /** Position of `text`'s first character in its 4-character base64 group (0–3). */
  readonly phase: number;
}

/**
 * The characters of `word`'s base64 form that do not depend on its neighbours, at each of the
 * three byte alignments a word can have: `AKIA` is `QUtJQ` (group phase 0), `FLSU` (phase 2) or
 * `BS0lB` (phase 3), whatever comes before or after it. A character is fixed when all six of its
 * bits come from the word. base64url differs only in `+/` against `-_`: both are returned.
 */
export function base64Fingerprints(word: string): Base64Fingerprint[] {
  const bytes = Buffer.from(word, 'utf8');
  const out: Base64Fingerprint[] = [];
  for (let align = 0; align < 3; align++) {
    const padded = Buffer.concat([Buffer.alloc(align), bytes, Buffer.alloc(3)]);
    const encoded = padded.toString('base64');
    const first = Math.ceil((8 * align) / 6);
    const last = Math.floor((8 * (align + bytes.length)) / 6);
    const text = encoded.slice(first, last);
    if (text.length === 0) continue;
    out.push({ text, phase: first % 4 });
    const url = text.replace(/\+/g, '-').replace(/\//g, '_');
    if (url !== text) out.push({ text: url, phase: first % 4 });
  }
  return out;
}
