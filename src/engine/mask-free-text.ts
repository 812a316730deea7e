import { looseSecrets } from './loose-secrets.js';
import { redactValue } from './redact.js';

/** Any AWS key ID, glued to other text or not (`A` + three letters + sixteen letters or digits). */
const KEY_ID = /A[A-Z]{3}[A-Z0-9]{16}/g;
/**
 * Runs a value could be written in (base64 and the escapes the engine decodes: `&#65;`, `%41`,
 * `\x41`), hidden whole when long (16 or more: no name or address part is that long without a
 * dot, dash or space), or from 8 on when they hold an escape or base64 punctuation or are capitals
 * and digits only (the pieces of a value written in parts, `"AKIA" + "…"`).
 */
const RUNS = /[A-Za-z0-9+/=&#;%\\]{8,}/g;
const VALUE_LIKE = /[+/=&#;%\\]|^[A-Z0-9]+$/;

/**
 * Text a finding shows that no scan of it decided on, such as a commit's author name and email
 * (anyone can write a key pair there): key IDs shown as every report shows them (prefix and last
 * four), and whatever else could be a value hidden: generated-looking runs, values after
 * sensitive names, other providers' tokens, and any run a value could be written in (see RUNS).
 * Generous on purpose: a name loses a few characters rather than a secret leaking. Linear.
 */
export function maskFreeText(text: string): string {
  const spans: { start: number; end: number; shown: string }[] = [];
  for (const m of text.matchAll(KEY_ID)) {
    spans.push({ start: m.index, end: m.index + m[0].length, shown: redactValue('key-id', m[0]) });
  }
  for (const m of text.matchAll(RUNS)) {
    if (m[0].length < 16 && !VALUE_LIKE.test(m[0])) continue;
    spans.push({ start: m.index, end: m.index + m[0].length, shown: '*'.repeat(m[0].length) });
  }
  for (const s of looseSecrets(text)) {
    const kept = text.slice(s.start, s.start + s.keep);
    spans.push({
      start: s.start,
      end: s.end,
      shown: `${kept}${'*'.repeat(s.end - s.start - s.keep)}`,
    });
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.end <= at) continue;
    // An overlap is hidden whole: never half of a value shown beside the other's mask.
    if (s.start < at) {
      out += '*'.repeat(s.end - at);
    } else {
      out += text.slice(at, s.start) + s.shown;
    }
    at = s.end;
  }
  return out + text.slice(at);
}
