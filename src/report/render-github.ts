import { staleHash } from '../engine/stale-hash.js';
import { type Finding, SEVERITIES, type Severity } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import { accountText } from './account-text.js';
import { escapeControl } from './escape-control.js';
import { locationText } from './location-text.js';
import type { RenderContext } from './render-context.js';
import { shortFix } from './rule-guidance.js';
import { verificationText } from './verification-text.js';
import { workflowCommand } from './workflow-command.js';

type AnnotationLevel = 'error' | 'warning' | 'notice';

/** critical, high and medium → error; low → warning; info → notice. */
export function annotationLevel(severity: Severity): AnnotationLevel {
  if (severity === 'low') return 'warning';
  if (severity === 'info') return 'notice';
  return 'error';
}

/** The annotation text: lines of our own, each fragment from the scan shown escaped. */
function message(f: Finding, pack: CompiledPack): string {
  const lines = [`${f.redacted} (${f.severity})`];
  if (f.location.where === 'name') lines.push('written in the name of the file itself: rename it');
  if (f.partner !== undefined)
    lines.push(
      `paired with ${f.partnerRedacted ?? 'its secret'} at ${locationText(f.partner, 'line')}`,
    );
  if (f.decoded !== undefined) lines.push(`found inside encoded text (decoded: ${f.decoded})`);
  if (f.assembled !== undefined)
    lines.push(`written in pieces joined by the code (assembled: ${f.assembled})`);
  if (f.commit !== undefined) lines.push(`commit ${f.commit.sha.slice(0, 12)}`);
  const account = accountText(f);
  if (account !== undefined)
    lines.push(
      `AWS account ${account}${f.keyFacts?.canary === true ? ' (likely canary token: do not use it)' : ''}`,
    );
  if (f.verification !== undefined) lines.push(`verified ${verificationText(f.verification)}`);
  if (f.severityReason !== undefined) lines.push(`severity ${f.severity}: ${f.severityReason}`);
  // The same short guidance the terminal shows, chosen for the situation (canary, root, ASIA…),
  // or a rule pack's own advice for its rules.
  lines.push(`Fix: ${shortFix(f, pack)}`);
  return lines.map(escapeControl).join('\n');
}

function annotation(f: Finding, pack: CompiledPack): string {
  const l = f.location;
  const oneLine = l.line === l.endLine;
  const title = escapeControl(`${f.title} [${f.ruleId}]`);
  // A value in the file's name has no line: the annotation is on the file.
  if (l.where === 'name')
    return workflowCommand(annotationLevel(f.severity), { file: l.path, title }, message(f, pack));
  return workflowCommand(
    annotationLevel(f.severity),
    {
      file: l.path,
      line: l.line,
      endLine: l.endLine,
      col: l.column,
      // GitHub only honours endColumn on single-line annotations.
      endColumn: oneLine ? l.endColumn : undefined,
      title,
    },
    message(f, pack),
  );
}

/**
 * GitHub Actions workflow commands: one annotation per finding (GitHub shows the first ten of
 * each level per step; the markdown summary carries the full list), then warnings for inline
 * `keyguard:allow` suppressions, stale baseline entries and scan warnings. Values are redacted; the toolkit's escaping applies.
 */
export function renderGithub(outcome: ScanOutcome, ctx: RenderContext): string {
  // GitHub displays only the first ten annotations of each level: the most severe go first.
  const ordered = [...outcome.findings].sort(
    (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
  );
  const out = ordered.map((f) => annotation(f, ctx.pack));
  // An inline `keyguard:allow` is a suppression its line's author made without review: a warning
  // at that line, so it shows in the pull request's diff.
  for (const s of outcome.suppressed) {
    if (s.reason.by !== 'pragma') continue;
    const f = s.finding;
    out.push(
      workflowCommand(
        'warning',
        {
          file: f.location.path,
          ...(f.location.where === 'name' ? {} : { line: f.location.line }),
          title: escapeControl(`${f.title} suppressed by keyguard:allow [${f.ruleId}]`),
        },
        escapeControl(
          `${f.redacted}${f.partnerRedacted === undefined ? '' : ` + ${f.partnerRedacted}`} is suppressed by keyguard:allow on its line: confirm it is not a real credential (rotate it if it is).`,
        ),
      ),
    );
  }
  for (const e of outcome.staleBaseline ?? []) {
    out.push(
      workflowCommand(
        'warning',
        { file: e.path, title: 'Stale keyguard baseline entry' },
        escapeControl(
          `${e.ruleId} in ${e.path} (${staleHash(e)}) no longer matches anything: remove it from the baseline.`,
        ),
      ),
    );
  }
  for (const w of outcome.warnings)
    out.push(workflowCommand('warning', { title: 'keyguard' }, escapeControl(w.message)));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
