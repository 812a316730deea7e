import type { Finding, Severity } from '../model/finding.js';
import { nodeCrypto } from '../model/node-crypto.js';
import type { ScanOutcome } from '../model/outcome.js';
import { accountText } from './account-text.js';
import { occurrenceKeys } from './occurrence-keys.js';
import type { RenderContext } from './render-context.js';
import { verificationText } from './verification-text.js';

/** The security-report-schemas release our report declares (GitLab validates against it). */
export const GITLAB_REPORT_VERSION = '15.0.7';

/** GitLab's severity words. */
export const GITLAB_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** GitLab's own analyzer writes this when a finding has no commit (a plain file scan). */
const NO_COMMIT = '0000000';

/** A UUID-shaped id derived from the finding's stable key, so it is the same on every run. */
function stableId(key: string): string {
  const h = nodeCrypto().createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `YYYY-MM-DDTHH:MM:SS`, no zone: the pattern GitLab's schema requires. */
function gitlabTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export interface GitlabOptions {
  /** Scan end, ms since epoch (the start is derived from the scan duration). */
  readonly now?: number;
}

function vulnerability(f: Finding, key: string, ctx: RenderContext): Record<string, unknown> {
  const spec = ctx.pack.byId.get(f.ruleId);
  const account = accountText(f);
  const description = [
    spec?.description,
    f.decoded === undefined ? undefined : `Found inside encoded text (decoded: ${f.decoded}).`,
    f.assembled === undefined
      ? undefined
      : `Written in pieces joined by the code (assembled: ${f.assembled}); the location is the first piece.`,
    account === undefined
      ? undefined
      : `AWS account ${account}${f.keyFacts?.canary === true ? ' (likely canary token: do not use it)' : ''}.`,
    f.verification === undefined ? undefined : `Verified ${verificationText(f.verification)}.`,
    f.severityReason === undefined ? undefined : `Severity ${f.severity}: ${f.severityReason}.`,
    spec === undefined ? undefined : `Fix: ${spec.remediation}`,
  ]
    .filter((x) => x !== undefined)
    .join('\n\n');
  return {
    id: stableId(key),
    name: f.title,
    description: description === '' ? f.title : description,
    severity: GITLAB_SEVERITY[f.severity],
    scanner: { id: 'keyguard', name: 'keyguard' },
    location: {
      file: f.location.path,
      // A value in the file's name has no line of it.
      ...(f.location.where === 'name'
        ? {}
        : { start_line: f.location.line, end_line: f.location.endLine }),
      commit: {
        sha: f.commit?.sha ?? NO_COMMIT,
        ...(f.commit?.author === undefined ? {} : { author: f.commit.author }),
        ...(f.commit?.date === undefined ? {} : { date: f.commit.date }),
        ...(f.commit?.message === undefined ? {} : { message: f.commit.message }),
      },
    },
    identifiers: [
      {
        type: 'keyguard_rule_id',
        name: `keyguard rule ${f.ruleId}`,
        value: f.ruleId,
        ...(spec?.references?.[0] === undefined ? {} : { url: spec.references[0] }),
      },
    ],
    // The masked line, never the raw value.
    raw_source_code_extract: f.lineText,
  };
}

/**
 * GitLab's secret-detection report (`artifacts: reports: secret_detection`), in the published
 * security-report format. Severities are mapped to GitLab's words; the source extract is the
 * masked line, so the report never holds a raw secret.
 */
export function renderGitlab(
  outcome: ScanOutcome,
  ctx: RenderContext,
  options: GitlabOptions = {},
): string {
  const end = options.now ?? Date.now();
  const start = end - outcome.stats.durationMs;
  const keys = occurrenceKeys(outcome.findings);
  const tool = {
    id: 'keyguard',
    name: 'keyguard',
    version: ctx.toolVersion,
    vendor: { name: 'keyguard' },
  };
  const report = {
    version: GITLAB_REPORT_VERSION,
    scan: {
      analyzer: tool,
      scanner: tool,
      type: 'secret_detection',
      start_time: gitlabTime(start),
      end_time: gitlabTime(end),
      status: 'success',
    },
    vulnerabilities: outcome.findings.map((f, i) =>
      vulnerability(f, keys[i] ?? f.fingerprint, ctx),
    ),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
