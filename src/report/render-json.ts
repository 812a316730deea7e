import type { Finding, Location } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import { scanSubject, verdictOf } from './headline.js';
import type { RenderContext } from './render-context.js';
import { shortFix } from './rule-guidance.js';

/** Version of the JSON report's shape; bumped on any breaking change (docs/json-format.md). */
export const JSON_REPORT_VERSION = 1;

function location(l: Location): Record<string, unknown> {
  return {
    path: l.path,
    ...(l.pathBytes === undefined ? {} : { pathBytes: l.pathBytes }),
    line: l.line,
    column: l.column,
    endLine: l.endLine,
    endColumn: l.endColumn,
    ...(l.where === undefined ? {} : { where: l.where }),
  };
}

function finding(f: Finding, pack: CompiledPack): Record<string, unknown> {
  return {
    ruleId: f.ruleId,
    kind: f.kind,
    severity: f.severity,
    title: f.title,
    ...location(f.location),
    redacted: f.redacted,
    ...(f.partner === undefined
      ? {}
      : { partner: { ...location(f.partner), redacted: f.partnerRedacted } }),
    ...(f.pairedBy === undefined ? {} : { pairedBy: f.pairedBy }),
    ...(f.decoded === undefined ? {} : { decoded: f.decoded }),
    ...(f.assembled === undefined ? {} : { assembled: f.assembled }),
    lineText: f.lineText,
    fingerprint: f.fingerprint,
    ...(f.secretHash === undefined ? {} : { secretHash: f.secretHash }),
    ...(f.secretHmac === undefined ? {} : { secretHmac: f.secretHmac }),
    ...(f.keyFacts === undefined ? {} : { keyFacts: f.keyFacts }),
    ...(f.verification === undefined ? {} : { verification: f.verification }),
    ...(f.severityReason === undefined ? {} : { severityReason: f.severityReason }),
    ...(f.commit === undefined ? {} : { commit: f.commit }),
    ...(f.occurrences === undefined ? {} : { occurrences: f.occurrences }),
    remediation: shortFix(f, pack),
  };
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** The machine-readable report: a versioned, documented contract (see docs/json-format.md). */
export function renderJson(outcome: ScanOutcome, ctx: RenderContext): string {
  const report = {
    version: JSON_REPORT_VERSION,
    tool: { name: 'keyguard', version: ctx.toolVersion },
    mode: outcome.mode,
    // The decision the exit code came from, and what the rules looked for.
    verdict: verdictOf(outcome),
    scannedFor: scanSubject(ctx.pack),
    findings: outcome.findings.map((f) => finding(f, ctx.pack)),
    suppressed: {
      count: outcome.suppressed.length,
      byKind: countBy(outcome.suppressed, (s) => s.reason.by),
      items: outcome.suppressed.map((s) => ({
        ruleId: s.finding.ruleId,
        path: s.finding.location.path,
        line: s.finding.location.line,
        column: s.finding.location.column,
        ...(s.finding.location.where === undefined ? {} : { where: s.finding.location.where }),
        redacted: s.finding.redacted,
        by: s.reason.by,
        entry: s.reason.entry,
        reason: s.reason.reason,
      })),
    },
    skipped: {
      count: outcome.skipped.length,
      byReason: countBy(outcome.skipped, (s) => s.reason),
      items: outcome.skipped,
    },
    // An old entry's plain hash may be of a key ID: it is matched, never shown.
    staleBaseline: (outcome.staleBaseline ?? []).map((e) => ({
      ruleId: e.ruleId,
      path: e.path,
      ...(e.secretHmac === undefined ? {} : { secretHmac: e.secretHmac }),
      ...(e.secretHash === undefined || e.legacy === true ? {} : { secretHash: e.secretHash }),
    })),
    ...(outcome.incomplete === undefined ? {} : { incomplete: outcome.incomplete }),
    warnings: outcome.warnings,
    stats: outcome.stats,
    ...(outcome.coverage === undefined ? {} : { coverage: outcome.coverage }),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
