import type { CompiledLabels } from '../model/rule.js';
import type { LineIndex } from './line-index.js';

export type LabelStrength = 'strong' | 'weak' | 'none';

// Separators between a name and its value: quotes, assignment, brackets, escapes, XML entities.
const TRAILING_SEPARATORS = /(?:[\s"'`:=>,;(){}[\]\\|]|&quot;|&#34;|&#39;|&apos;)+$/;
const TRAILING_NAME = /[A-Za-z0-9_.\-:/@$]+$/;
const NAME = /[A-Za-z0-9_.\-:/@$]+/g;
const PREFIX_WINDOW = 160;
const NAMES_BEHIND_CARRIER = 3;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The names written before a value on its line, nearest first (`a = x, b = "` → b, a). */
function namesBefore(prefix: string, limit: number): string[] {
  const names: string[] = [];
  let rest = prefix;
  while (names.length < limit) {
    rest = rest.replace(TRAILING_SEPARATORS, '');
    const m = TRAILING_NAME.exec(rest);
    if (m === null) break;
    names.push(m[0]);
    rest = rest.slice(0, m.index);
  }
  return names;
}

function strengthOf(name: string, labels: CompiledLabels): LabelStrength {
  const n = normalizeName(name);
  if (n === '') return 'none';
  if (labels.strong.test(n)) return 'strong';
  if (labels.weak?.test(n)) return 'weak';
  return 'none';
}

function isCarrier(name: string, labels: CompiledLabels): boolean {
  return labels.carrier?.test(normalizeName(name)) ?? false;
}

function hasContext(index: LineIndex, line: number, labels: CompiledLabels): boolean {
  const context = labels.context;
  if (context === undefined) return false;
  const from = Math.max(1, line - labels.contextLines);
  const to = Math.min(index.lineCount, line + labels.contextLines);
  for (let l = from; l <= to; l++) {
    if (context.test(index.lineText(l))) return true;
  }
  return false;
}

function strongest(a: LabelStrength, b: LabelStrength): LabelStrength {
  if (a === 'strong' || b === 'strong') return 'strong';
  return a === 'weak' || b === 'weak' ? 'weak' : 'none';
}

/**
 * How the value at `offset` is labelled: by the nearest name before it on its line, or, when
 * that name only says "value" (`value:`, `<value>`, a bare list item), by a name on the line
 * before (Kubernetes env, ECS task definitions, XML name/value pairs). Weak labels
 * (`secret_key`) count only with AWS context within `contextLines`.
 */
export function labelOf(index: LineIndex, offset: number, labels: CompiledLabels): LabelStrength {
  const line = index.lineOf(offset);
  const start = index.lineStart(line);
  const prefix = index.lineText(line).slice(Math.max(0, offset - start - PREFIX_WINDOW), offset - start);
  const names = namesBefore(prefix, NAMES_BEHIND_CARRIER + 1);
  let found: LabelStrength = 'none';
  const nearest = names[0];
  if (nearest !== undefined && !isCarrier(nearest, labels)) {
    found = strengthOf(nearest, labels);
  } else {
    // The nearest name is only a carrier (or there is none): earlier names on the line, then the line before.
    for (const name of names.slice(1)) found = strongest(found, strengthOf(name, labels));
    let previous = line - 1;
    while (found === 'none' && previous >= 1 && index.lineText(previous).trim() === '') previous--;
    if (found === 'none' && previous >= 1) {
      for (const name of index.lineText(previous).slice(-PREFIX_WINDOW).match(NAME) ?? []) {
        found = strongest(found, strengthOf(name, labels));
      }
    }
  }
  if (found === 'weak' && !hasContext(index, line, labels)) return 'none';
  return found;
}
