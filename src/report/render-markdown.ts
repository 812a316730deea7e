import { staleHash } from '../engine/stale-hash.js';
import type { Finding, Severity } from '../model/finding.js';
import { SEVERITIES } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import { accountText } from './account-text.js';
import { markdownCode, markdownText } from './escape-markdown.js';
import { type HeadlineTone, headline } from './headline.js';
import { IN_NAME, locationText } from './location-text.js';
import type { RenderContext } from './render-context.js';
import { verificationText } from './verification-text.js';

/** Rows beyond this go to the SARIF/JSON report: GitHub caps a step summary at 1 MiB. */
export const MARKDOWN_MAX_ROWS = 1000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const ICON_OF: Readonly<Record<HeadlineTone, string>> = {
  fail: '❌',
  warn: '⚠️',
  note: 'ℹ️',
  pass: '✅',
};

const ICON: Readonly<Record<Severity, string>> = {
  critical: '🔴',
  high: '🔴',
  medium: '🟠',
  low: '🟡',
  info: '⚪',
};

function row(f: Finding): string {
  const where = locationText(f.location);
  const value =
    f.partner === undefined
      ? markdownCode(f.redacted)
      : `${markdownCode(f.redacted)} + ${markdownCode(f.partnerRedacted ?? '')} (${f.partner.where === 'name' ? IN_NAME : `line ${f.partner.line}`})`;
  const account = accountText(f);
  const facts = [
    ...(f.decoded === undefined ? [] : [`decoded ${markdownText(f.decoded)}`]),
    ...(f.assembled === undefined ? [] : [`assembled ${markdownText(f.assembled)}`]),
    ...(account === undefined ? [] : [`account ${markdownCode(account)}`]),
    ...(f.keyFacts?.canary === true ? ['likely canary token'] : []),
    ...(f.verification === undefined
      ? []
      : [`verified ${markdownText(verificationText(f.verification))}`]),
    ...(f.severityReason === undefined ? [] : [markdownText(f.severityReason)]),
  ];
  const finding = `${markdownText(f.title)} (${markdownCode(f.ruleId)})${facts.length === 0 ? '' : `<br>${facts.join(' · ')}`}`;
  return `| ${ICON[f.severity]} ${f.severity} | ${finding} | ${markdownCode(where)} | ${value} | ${f.commit === undefined ? '' : markdownCode(f.commit.sha.slice(0, 12))} |`;
}

function coverageLines(outcome: ScanOutcome): string[] {
  const parts = [
    `mode ${markdownCode(outcome.mode)}`,
    plural(outcome.stats.files, 'file'),
    ...(outcome.stats.commits === undefined ? [] : [plural(outcome.stats.commits, 'commit')]),
    // Zero "…Skipped" counters say nothing; every other coverage fact (even 0 commits) is shown.
    ...Object.entries(outcome.coverage ?? {})
      .filter(([k, v]) => !(k.endsWith('Skipped') && v === 0))
      .map(([k, v]) => `${markdownText(k)}: ${markdownCode(String(v))}`),
  ];
  return [`Scanned: ${parts.join(' · ')}`];
}

/**
 * A GitHub-flavoured Markdown summary for `$GITHUB_STEP_SUMMARY`: every finding in one table
 * (annotations stop at ten per level), what was scanned, suppressions, stale baseline entries
 * and the fix for each rule that fired. Values are redacted.
 */
export function renderMarkdown(outcome: ScanOutcome, ctx: RenderContext): string {
  const n = outcome.findings.length;
  const out: string[] = [];
  const inc = outcome.incomplete;
  // The same verdict as the exit code: never a green tick over a failing scan.
  const head = headline(outcome, ctx.pack);
  out.push(`## ${ICON_OF[head.tone]} keyguard: ${markdownText(head.text)}`, '');
  if (inc !== undefined && inc.unread > 0)
    out.push(`${plural(inc.unread, 'item')} could not be read (see the log for the list).`, '');
  out.push(...coverageLines(outcome), '');
  if (n > 0) {
    out.push(
      '| Severity | Finding | Location | Value | Commit |',
      '| --- | --- | --- | --- | --- |',
    );
    const ordered = [...outcome.findings].sort(
      (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
    );
    for (const f of ordered.slice(0, MARKDOWN_MAX_ROWS)) out.push(row(f));
    if (n > MARKDOWN_MAX_ROWS)
      out.push('', `…and ${n - MARKDOWN_MAX_ROWS} more: see the SARIF or JSON report.`);
    out.push('', '### How to fix', '');
    const ruleIds = [...new Set(outcome.findings.map((f) => f.ruleId))];
    for (const id of ruleIds) {
      const spec = ctx.pack.byId.get(id);
      if (spec !== undefined)
        out.push(`- **${markdownText(spec.title)}**: ${markdownText(spec.remediation)}`);
    }
    out.push(
      '',
      'Rotate exposed credentials first: deleting the line does not remove a secret from Git history. ' +
        'Then allowlist false positives in `.keyguard.json`, add `keyguard:allow` to the line, ' +
        'or accept existing findings with `keyguard baseline`.',
      '',
    );
  }
  const stale = outcome.staleBaseline ?? [];
  if (stale.length > 0) {
    out.push(`### ${stale.length} stale baseline ${stale.length === 1 ? 'entry' : 'entries'}`, '');
    out.push('These entries no longer match anything; remove them from the baseline:', '');
    for (const e of stale)
      out.push(
        `- ${markdownCode(e.ruleId)} in ${markdownCode(e.path)} (${markdownCode(staleHash(e))})`,
      );
    out.push('');
  }
  // Whoever writes a line can silence it with `keyguard:allow`, without touching the reviewed
  // configuration: each one is listed where reviewers read, never only counted.
  const inline = outcome.suppressed.filter((s) => s.reason.by === 'pragma');
  if (inline.length > 0) {
    out.push(
      `### ${plural(inline.length, 'finding')} suppressed inline (\`keyguard:allow\`)`,
      '',
      'Whoever wrote these lines silenced them: confirm each is not a real credential (a real one must be rotated).',
      '',
      '| Severity | Finding | Location | Value | Commit |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const s of inline.slice(0, MARKDOWN_MAX_ROWS)) out.push(row(s.finding));
    if (inline.length > MARKDOWN_MAX_ROWS)
      out.push('', `…and ${inline.length - MARKDOWN_MAX_ROWS} more: see the JSON report.`);
    out.push('');
  }
  const extra: string[] = [];
  if (outcome.suppressed.length > 0) {
    const by = new Map<string, number>();
    for (const s of outcome.suppressed) by.set(s.reason.by, (by.get(s.reason.by) ?? 0) + 1);
    extra.push(
      `${outcome.suppressed.length} suppressed (${[...by].map(([k, v]) => `${v} ${k}`).join(', ')})`,
    );
  }
  if (outcome.skipped.length > 0) extra.push(`${outcome.skipped.length} skipped`);
  if (extra.length > 0) out.push(extra.join(' · '), '');
  for (const w of outcome.warnings) out.push(`> ⚠️ ${markdownText(w.message)}`, '');
  return `${out.join('\n').trimEnd()}\n`;
}
