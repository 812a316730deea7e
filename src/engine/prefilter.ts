import type { CompiledRule } from '../model/rule.js';

/** One alternation of every keyword: V8 scans it an order of magnitude faster than 13 includes. */
const ANY_KEYWORD = new WeakMap<readonly CompiledRule[], RegExp | null>();

function anyKeyword(rules: readonly CompiledRule[]): RegExp | null {
  let regex = ANY_KEYWORD.get(rules);
  if (regex === undefined) {
    const words = [...new Set(rules.flatMap((r) => r.keywords))];
    const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    regex = words.length === 0 ? null : new RegExp(escaped.join('|'));
    ANY_KEYWORD.set(rules, regex);
  }
  return regex;
}

/** Rules that can possibly fire in `text`: a rule runs only when one of its keywords occurs. */
export function selectRules(text: string, rules: readonly CompiledRule[]): CompiledRule[] {
  // Most files hold no keyword at all: one pass over the text settles them.
  const any = anyKeyword(rules);
  if (any !== null && !any.test(text)) return rules.filter((r) => r.keywords.length === 0);
  const selected: CompiledRule[] = [];
  const seen = new Map<string, boolean>();
  for (const rule of rules) {
    if (rule.keywords.length === 0) {
      selected.push(rule);
      continue;
    }
    for (const keyword of rule.keywords) {
      let hit = seen.get(keyword);
      if (hit === undefined) {
        hit = text.includes(keyword);
        seen.set(keyword, hit);
      }
      if (hit) {
        selected.push(rule);
        break;
      }
    }
  }
  return selected;
}
