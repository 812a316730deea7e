import { looseSecrets } from './loose-secrets.js';
import { redactValue } from './redact.js';

/** Any AWS key ID, glued to other text or not (`A` + three letters + sixteen letters or digits). */
const KEY_ID = /A[A-Z]{3}[A-Z0-9]{16}/g;

/**
 * Text a finding shows that no scan of it decided on, such as a commit's author name and email
 * (anyone can write a key pair there): key IDs shown as every report shows them (prefix and last
 * four), and whatever else looks secret (generated-looking runs, values after sensitive names,
 * other providers' tokens) hidden. Linear in the text.
 */
export function maskFreeText(text: string): string {
  const spans: { start: number; end: number; shown: string }[] = [];
  for (const m of text.matchAll(KEY_ID)) {
    spans.push({ start: m.index, end: m.index + m[0].length, shown: redactValue('key-id', m[0]) });
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
