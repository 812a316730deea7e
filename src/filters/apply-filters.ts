import type { PathAllowEntry } from '../model/config.js';
import type { BaselineEntry, Finding, Suppression, SuppressionReason } from '../model/finding.js';

export interface FilterContext {
  readonly pathAllow: readonly PathAllowEntry[];
  readonly baseline?: readonly BaselineEntry[];
}

export interface FilterResult {
  readonly kept: Finding[];
  readonly suppressed: Suppression[];
  /** Baseline entries that matched nothing in this scan. */
  readonly staleBaseline: BaselineEntry[];
}

function baselineKey(e: BaselineEntry): string {
  return `${e.ruleId}\n${e.path}\n${e.secretHash}`;
}

function pathReason(
  f: Finding,
  pathAllow: readonly PathAllowEntry[],
): SuppressionReason | undefined {
  for (const p of pathAllow) {
    if (p.matches(f.location.path)) return { by: 'allowlist', entry: p.entry, reason: p.reason };
  }
  return undefined;
}

/** Where findings are reported once per identity: the same secret at the same place in many chunks or commits. */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.fingerprint}\n${f.location.line}\n${f.location.column}\n${f.commit?.sha ?? ''}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()];
}

/**
 * The suppression chain, in order: allowlists (value entries marked by the engine, then paths),
 * inline pragma, baseline, then dedupe. Pure: findings in, kept and suppressed out.
 */
export function applyFilters(findings: readonly Finding[], ctx: FilterContext): FilterResult {
  const kept: Finding[] = [];
  const suppressed: Suppression[] = [];
  const baseline = new Map((ctx.baseline ?? []).map((e) => [baselineKey(e), e]));
  const used = new Set<string>();
  for (const f of dedupe(findings)) {
    const byValue = f.allowedBy;
    const reason =
      byValue ??
      pathReason(f, ctx.pathAllow) ??
      (f.pragma
        ? { by: 'pragma' as const, entry: 'keyguard:allow', reason: 'inline keyguard:allow' }
        : undefined);
    if (reason !== undefined) {
      suppressed.push({ finding: f, reason });
      continue;
    }
    const key = baselineKey({ ruleId: f.ruleId, path: f.location.path, secretHash: f.secretHash });
    if (baseline.has(key)) {
      used.add(key);
      suppressed.push({
        finding: f,
        reason: { by: 'baseline', entry: key.replace(/\n/g, ':'), reason: 'accepted in baseline' },
      });
      continue;
    }
    kept.push(f);
  }
  const staleBaseline = [...baseline].filter(([k]) => !used.has(k)).map(([, e]) => e);
  return { kept, suppressed, staleBaseline };
}
