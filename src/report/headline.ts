import { type Finding, SEVERITIES } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import { DEFAULT_GATE, decideVerdict, type Verdict } from '../model/verdict.js';

/** How a headline looks: red cross, yellow warning, a neutral note, a green tick. */
export type HeadlineTone = 'fail' | 'warn' | 'note' | 'pass';

export interface Headline {
  readonly tone: HeadlineTone;
  /** Without an icon: each format adds its own. Pack names in it are raw (escape them). */
  readonly text: string;
  readonly verdict: Verdict;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `1 high, 2 low`: the findings by severity, most severe first. */
export function severityCounts(findings: readonly Finding[]): string {
  return SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

/**
 * What the scan looked for, from the rules that ran: `AWS credentials` for the shipped pack alone,
 * `secrets (rule packs: aws, acme)` when other packs' rules ran too.
 */
export function scanSubject(pack: CompiledPack): string {
  const { what, packs } = subjectParts(pack);
  return packs === undefined ? what : `${what} (${packs})`;
}

function subjectParts(pack: CompiledPack): { what: string; packs?: string } {
  const ran = [...pack.rules.map((r) => r.id), ...pack.pairs.map((p) => p.id)];
  const packs = new Set<string>();
  let other = false;
  for (const id of ran) {
    const origin = pack.origins.get(id);
    if (origin === undefined) continue;
    packs.add(origin.pack);
    if (!origin.builtin) other = true;
  }
  if (!other) return { what: 'AWS credentials' };
  return { what: 'secrets', packs: `rule packs: ${[...packs].join(', ')}` };
}

/** The verdict the app decided, or, for an outcome rendered on its own, the default gate's. */
export function verdictOf(outcome: ScanOutcome): Verdict {
  return outcome.verdict ?? decideVerdict(outcome, DEFAULT_GATE);
}

/**
 * The one-line summary every format leads with, derived from the verdict alone: its tone always
 * matches the exit code (fail ⇔ exit 1 or 2), and it says why.
 */
export function headline(outcome: ScanOutcome, pack: CompiledPack): Headline {
  const verdict = verdictOf(outcome);
  const findings = outcome.findings;
  const n = findings.length;
  const counts = severityCounts(findings);
  const gate = `--fail-on ${verdict.failOn}`;
  const { what, packs } = subjectParts(pack);
  const which = packs === undefined ? '' : ` (${packs})`;
  const partial = verdict.partial ? 'PARTIAL scan (accepted): ' : '';
  switch (verdict.reason) {
    case 'incomplete':
      return {
        tone: 'fail',
        verdict,
        text: `INCOMPLETE scan: not everything could be read${n === 0 ? '' : `; ${plural(n, 'finding')} (${counts}) in what was`}`,
      };
    case 'findings':
      return {
        tone: 'fail',
        verdict,
        text: `${partial}${plural(n, 'finding')} (${counts})${verdict.belowGate === 0 ? '' : `, ${verdict.failing} at or above ${gate}`}`,
      };
    case 'stale':
      return {
        tone: 'fail',
        verdict,
        text: `${partial}${plural(verdict.stale, 'stale baseline entry', 'stale baseline entries')} (--fail-on-stale)${n === 0 ? '' : `; ${plural(n, 'finding')} (${counts}) below ${gate}`}`,
      };
    case 'below-gate': {
      const allInfo = findings.every((f) => f.severity === 'info');
      return {
        tone: allInfo && !verdict.partial ? 'note' : 'warn',
        verdict,
        text: `${partial}${plural(n, 'finding')} (${counts}) below ${gate}: not failing`,
      };
    }
    case 'clean':
      return verdict.partial
        ? { tone: 'warn', verdict, text: `${partial}no ${what} found in what was read${which}` }
        : { tone: 'pass', verdict, text: `no ${what} found${which}` };
  }
}
