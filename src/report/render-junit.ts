import type { Finding } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import { UNREAD_REASONS } from '../model/outcome.js';
import { failsAt } from '../model/verdict.js';
import { findingFields } from './finding-fields.js';
import { headline, verdictOf } from './headline.js';
import { locationText } from './location-text.js';
import type { RenderContext } from './render-context.js';
import { xmlText } from './xml-text.js';

function attrs(pairs: Readonly<Record<string, string | number>>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${xmlText(String(v))}"`)
    .join('');
}

/** The finding's story, one fact a line, for the failure body a CI test view shows. */
function details(f: Finding, ctx: RenderContext, failOn: Parameters<typeof failsAt>[1]): string {
  const d = findingFields(f, ctx.pack, failOn);
  return [
    `${d.severity.toUpperCase()} ${d.title} [${d.ruleId}]`,
    `at ${locationText(f.location)}`,
    `value ${d.redacted}`,
    `line ${d.lineText}`,
    d.decoded === '' ? '' : `decoded ${d.decoded} (the key is inside encoded text)`,
    d.assembled === ''
      ? ''
      : `assembled ${d.assembled} (the key is written in pieces, joined by the code)`,
    f.partner === undefined
      ? ''
      : `paired with ${d.partnerRedacted} at ${locationText(f.partner, 'line')}`,
    d.account === '' ? '' : `account ${d.account}`,
    d.verification === '' ? '' : `verified ${d.verification}`,
    d.commit === '' ? '' : `commit ${d.commit}${d.author === '' ? '' : ` (${d.author})`}`,
    `fix: ${d.remediation}`,
  ]
    .filter((l) => l !== '')
    .map(xmlText)
    .join('\n');
}

/**
 * JUnit XML for CI test views: one test case per finding (a failure when it is at or above
 * `--fail-on`, a passing case that says so when below), plus one case for the scan itself when
 * no finding decides the verdict: an error for an incomplete scan, a failure for stale baseline
 * entries under `--fail-on-stale`, a pass for a clean one. So failures + errors > 0 exactly when
 * the exit code is not 0. Every text is XML-escaped, control characters shown as escapes.
 */
export function renderJunit(outcome: ScanOutcome, ctx: RenderContext): string {
  const verdict = verdictOf(outcome);
  const head = headline(outcome, ctx.pack);
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const f of outcome.findings) {
    const name = `${f.ruleId} at ${locationText(f.location)}`;
    const line = f.location.where === 'name' ? {} : { line: f.location.line };
    const open = `    <testcase${attrs({ classname: f.location.path, name, file: f.location.path, ...line, time: 0 })}>`;
    const body = details(f, ctx, verdict.failOn);
    if (failsAt(f.severity, verdict.failOn)) {
      failures++;
      cases.push(
        open,
        `      <failure${attrs({ message: `${f.severity}: ${f.title} (${f.redacted})`, type: f.ruleId })}>${body}</failure>`,
        '    </testcase>',
      );
    } else {
      cases.push(
        open,
        `      <system-out>${xmlText(`below --fail-on ${verdict.failOn}: not failing`)}\n${body}</system-out>`,
        '    </testcase>',
      );
    }
  }
  const scanCase = `    <testcase${attrs({ classname: 'keyguard', name: `keyguard ${outcome.mode} scan`, time: outcome.stats.durationMs / 1000 })}>`;
  if (verdict.reason === 'incomplete') {
    errors++;
    const unread = outcome.skipped
      .filter((s) => UNREAD_REASONS.has(s.reason))
      .map((s) => `${s.path}: ${s.reason}${s.detail === undefined ? '' : ` (${s.detail})`}`);
    cases.push(
      scanCase,
      `      <error${attrs({ message: head.text, type: 'incomplete' })}>${unread.map(xmlText).join('\n')}</error>`,
      '    </testcase>',
    );
  } else if (verdict.reason === 'stale') {
    failures++;
    const stale = (outcome.staleBaseline ?? []).map((e) => `${e.ruleId} in ${e.path}`);
    cases.push(
      scanCase,
      `      <failure${attrs({ message: head.text, type: 'stale-baseline' })}>${stale.map(xmlText).join('\n')}</failure>`,
      '    </testcase>',
    );
  } else if (verdict.reason !== 'findings') {
    cases.push(scanCase, `      <system-out>${xmlText(head.text)}</system-out>`, '    </testcase>');
  }
  const tests = outcome.findings.length + (verdict.reason === 'findings' ? 0 : 1);
  const time = (outcome.stats.durationMs / 1000).toFixed(3);
  const counts = { tests, failures, errors, skipped: 0, time };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'keyguard', ...counts })}>`,
    `  <testsuite${attrs({ name: `keyguard ${outcome.mode}`, ...counts })}>`,
    '    <properties>',
    `      <property${attrs({ name: 'keyguard.version', value: ctx.toolVersion })}/>`,
    `      <property${attrs({ name: 'verdict', value: head.text })}/>`,
    `      <property${attrs({ name: 'exitCode', value: verdict.exitCode })}/>`,
    `      <property${attrs({ name: 'files', value: outcome.stats.files })}/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
