import type { CompiledRule } from '../model/rule.js';
import type { Region } from './scan-regions.js';

/** One regex hit, still holding the raw value: it never leaves the engine. */
export interface RawMatch {
  readonly rule: CompiledRule;
  /** Offsets of the captured value in the chunk text (as written, escapes included). */
  readonly start: number;
  readonly end: number;
  /** The value with JSON slash escapes and URL encoding undone: what AWS would accept. */
  readonly value: string;
}

const URL_ESCAPES: Readonly<Record<string, string>> = { '2b': '+', '2f': '/', '3d': '=' };

/** Undo `\/` (JSON) and `%2B %2F %3D` (URLs) so entropy and hashes see the real value. */
export function normalizeValue(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('%')) return raw;
  return raw
    .replace(/\\\//g, '/')
    .replace(/%(2[bBfF]|3[dD])/g, (_, hex: string) => URL_ESCAPES[hex.toLowerCase()] ?? '');
}

/** Runs a rule over the whole text, or only over `regions` (sorted, non-overlapping). */
export function findMatches(
  text: string,
  rule: CompiledRule,
  regions?: readonly Region[],
): RawMatch[] {
  const regex = rule.regex;
  if (regex === undefined) return [];
  const matches: RawMatch[] = [];
  for (const region of regions ?? [{ start: 0, end: text.length }]) {
    const slice =
      region.start === 0 && region.end === text.length
        ? text
        : text.slice(region.start, region.end);
    // matchAll clones the regex, so the shared compiled instance keeps lastIndex 0.
    for (const m of slice.matchAll(regex)) {
      const span = m.indices?.[rule.secretGroup];
      const raw = m[rule.secretGroup];
      if (span === undefined || raw === undefined) continue;
      matches.push({
        rule,
        start: region.start + span[0],
        end: region.start + span[1],
        value: normalizeValue(raw),
      });
    }
  }
  return matches;
}
