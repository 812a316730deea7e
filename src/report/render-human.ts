import pc from 'picocolors';
import { staleHash } from '../engine/stale-hash.js';
import type { Finding, Location, Severity } from '../model/finding.js';
import type { ScanOutcome, Skipped } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import { accountText } from './account-text.js';
import { escapeControl as safe } from './escape-control.js';
import { type HeadlineTone, headline } from './headline.js';
import { locationText } from './location-text.js';
import { pairingText } from './pairing-text.js';
import type { RenderContext } from './render-context.js';
import { shortFix } from './rule-guidance.js';
import { verificationText } from './verification-text.js';

type Colors = ReturnType<typeof pc.createColors>;

function severityLabel(c: Colors, s: Severity): string {
  const text = s.toUpperCase().padEnd(8);
  if (s === 'critical' || s === 'high') return c.bold(c.red(text));
  if (s === 'medium') return c.yellow(text);
  if (s === 'low') return c.cyan(text);
  return c.dim(text);
}

function where(l: Location): string {
  return safe(locationText(l));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function renderFinding(c: Colors, f: Finding, pack: CompiledPack): string[] {
  const lines = [
    `${c.bold(where(f.location))}  ${severityLabel(c, f.severity)} ${safe(f.title)} ${c.dim(`[${safe(f.ruleId)}]`)}`,
  ];
  lines.push(`    ${c.dim('│')} ${safe(f.lineText)}`);
  if (f.decoded !== undefined)
    lines.push(
      `    ${c.dim('│')} ${c.dim('decoded')} ${safe(f.decoded)} ${c.dim('(the key is inside encoded text)')}`,
    );
  if (f.assembled !== undefined)
    lines.push(
      `    ${c.dim('│')} ${c.dim('assembled')} ${safe(f.assembled)} ${c.dim('(the key is written in pieces, joined by the code)')}`,
    );
  if (f.partner !== undefined) {
    lines.push(
      `    ${c.dim('│')} ${c.dim('paired with')} ${safe(f.partnerRedacted ?? '')} ${c.dim('at')} ${where(f.partner)}${f.pairedBy === undefined ? '' : c.dim(` (${pairingText(f.pairedBy)})`)}`,
    );
  }
  const account = accountText(f);
  if (account !== undefined) {
    const canary =
      f.keyFacts?.canary === true ? c.yellow(' (likely canary token: do not use it)') : '';
    lines.push(`    ${c.dim('│')} ${c.dim('account')} ${safe(account)}${canary}`);
  }
  if (f.verification !== undefined) {
    const text = safe(verificationText(f.verification));
    lines.push(
      `    ${c.dim('│')} ${c.dim('verified')} ${f.verification.status === 'live' ? c.bold(c.red(text)) : text}`,
    );
  }
  if (f.severityReason !== undefined)
    lines.push(`    ${c.dim('│')} ${c.dim('severity')} ${f.severity}: ${safe(f.severityReason)}`);
  if (f.commit !== undefined) {
    const who = safe([f.commit.author, f.commit.date].filter((x) => x !== undefined).join(', '));
    lines.push(
      `    ${c.dim('│')} ${c.dim('commit')} ${safe(f.commit.sha.slice(0, 12))}${who === '' ? '' : ` (${who})`}${f.occurrences !== undefined && f.occurrences > 1 ? c.dim(` · in ${f.occurrences} commits`) : ''}`,
    );
  }
  const fix = safe(shortFix(f, pack));
  lines.push(`    ${c.dim('└')} ${c.green('fix:')} ${fix}`);
  return lines;
}

function skippedSummary(skipped: readonly Skipped[]): string {
  const counts = new Map<string, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, n]) => `${n} ${safe(reason)}`)
    .join(', ');
}

/** What a git scan covered (history, staged): always shown, a partial scan loudly. */
function coverageLines(c: Colors, coverage: NonNullable<ScanOutcome['coverage']>): string[] {
  const lines: string[] = [];
  if (coverage.partial === true) {
    lines.push(
      c.bold(
        c.yellow(
          `PARTIAL scan: ${safe(String(coverage.partialReason ?? 'not every commit was scanned'))}`,
        ),
      ),
    );
  }
  const facts = Object.entries(coverage)
    .filter(([k]) => k !== 'partial' && k !== 'partialReason')
    .map(
      ([k, v]) =>
        `${safe(k.replace(/[A-Z]/g, (m) => ` ${m.toLowerCase()}`))}: ${typeof v === 'number' && k === 'bytes' ? formatBytes(v) : safe(String(v))}`,
    );
  if (facts.length > 0) lines.push(c.dim(`coverage: ${facts.join(', ')}`));
  return lines;
}

const ICON: Readonly<Record<HeadlineTone, string>> = {
  fail: '✖',
  warn: '⚠',
  note: 'ℹ',
  pass: '✔',
};

function toned(c: Colors, tone: HeadlineTone, text: string): string {
  const line = `${ICON[tone]} ${text}`;
  if (tone === 'fail') return c.red(c.bold(line));
  if (tone === 'warn') return c.yellow(c.bold(line));
  if (tone === 'note') return c.cyan(line);
  return c.green(line);
}

/** The terminal report: one block per finding, masked line, a fix hint, then a summary line. */
export function renderHuman(outcome: ScanOutcome, ctx: RenderContext): string {
  const c = pc.createColors(ctx.color);
  const out: string[] = [];
  for (const f of outcome.findings) out.push(...renderFinding(c, f, ctx.pack), '');
  if (ctx.verbose) {
    for (const s of outcome.suppressed) {
      out.push(
        c.dim(
          `suppressed ${where(s.finding.location)} ${safe(s.finding.ruleId)} ${safe(s.finding.redacted)} by ${s.reason.by} ${safe(s.reason.entry)} (${safe(s.reason.reason)})`,
        ),
      );
    }
    for (const s of outcome.skipped)
      out.push(
        c.dim(
          `skipped ${safe(s.path)}: ${safe(s.reason)}${s.detail === undefined ? '' : ` (${safe(s.detail)})`}`,
        ),
      );
    if (outcome.suppressed.length + outcome.skipped.length > 0) out.push('');
  }
  const stale = outcome.staleBaseline ?? [];
  for (const e of stale) {
    out.push(
      c.yellow(
        `stale baseline entry: ${safe(e.ruleId)} in ${safe(e.path)} (${safe(staleHash(e))}) matches nothing any more`,
      ),
    );
  }
  if (stale.length > 0) out.push('');
  const n = outcome.findings.length;
  const inc = outcome.incomplete;
  // The headline follows the verdict that decided the exit code: never a tick over a failure.
  const head = headline(outcome, ctx.pack);
  const parts = [
    toned(c, head.tone, safe(head.text)),
    `${plural(outcome.stats.files, 'file')} (${formatBytes(outcome.stats.bytes)})`,
  ];
  if (outcome.stats.commits !== undefined) parts.push(plural(outcome.stats.commits, 'commit'));
  if (outcome.suppressed.length > 0)
    parts.push(
      `${outcome.suppressed.length} suppressed${ctx.verbose ? '' : ' (--verbose lists them)'}`,
    );
  if (stale.length > 0 && head.verdict.reason !== 'stale')
    parts.push(`${stale.length} stale baseline`);
  if (outcome.skipped.length > 0)
    parts.push(`${outcome.skipped.length} skipped (${skippedSummary(outcome.skipped)})`);
  if (inc !== undefined && inc.unread > 0)
    parts.push(
      c.bold(
        `${plural(inc.unread, 'item')} not read${inc.bytes > 0 ? ` (${formatBytes(inc.bytes)} known)` : ''}${ctx.verbose ? '' : ', --verbose lists them'}`,
      ),
    );
  parts.push(`${outcome.stats.durationMs} ms`);
  out.push(parts.join(c.dim(' · ')));
  if (outcome.coverage !== undefined) out.push(...coverageLines(c, outcome.coverage));
  if (n > 0) {
    out.push(
      c.dim(
        'Rotate exposed credentials first; then allowlist false positives in .keyguard.json, add `keyguard:allow` to the line, or accept existing findings with `keyguard baseline`.',
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
