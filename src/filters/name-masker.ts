import type { Finding, Location } from '../model/finding.js';
import { type NameSpan, shownName } from '../model/shown-name.js';

/** Shows a text (a path, a ref, a message naming them) as reports may: see shownName. */
export type NameMasker = (text: string) => string;

/**
 * The one way a scan's names are shown: `shownName` with what the engine found in each name (its
 * findings located at the name hold where: a secret with no digit is no run the heuristic sees).
 * A name is replaced wherever it occurs in the text (`path!entry` in an archive, a pushed ref in a
 * coverage line), then every key ID and secret-shaped run of the whole text is hidden.
 */
export function nameMasker(findings: Iterable<Finding>): NameMasker {
  const spans = new Map<string, NameSpan[]>();
  const add = (l: Location | undefined) => {
    if (l?.where !== 'name' || l.nameSpan === undefined) return;
    const list = spans.get(l.path);
    if (list === undefined) spans.set(l.path, [l.nameSpan]);
    else list.push(l.nameSpan);
  };
  for (const f of findings) {
    add(f.location);
    add(f.partner);
  }
  // Longer names first: one name can hold another.
  const masked = [...spans]
    .sort(([a], [b]) => b.length - a.length)
    .map(([name, hidden]) => [name, shownName(name, hidden)] as const);
  if (masked.length === 0) return (text) => shownName(text);
  return (text) => {
    let out = text;
    for (const [name, shown] of masked) if (out.includes(name)) out = out.split(name).join(shown);
    return shownName(out);
  };
}
