import type { CompiledRule } from '../model/rule.js';

/** Rules that can possibly fire in `text`: a rule runs only when one of its keywords occurs. */
export function selectRules(text: string, rules: readonly CompiledRule[]): CompiledRule[] {
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
