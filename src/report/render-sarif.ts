import type { Finding, Location, Severity } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { CompiledPack, RuleSpec } from '../model/rule.js';
import { accountText } from './account-text.js';
import { locationText } from './location-text.js';
import { occurrenceKeys } from './occurrence-keys.js';
import type { RenderContext } from './render-context.js';
import { awsGuidance, hasAwsGuidance } from './rule-guidance.js';
import { SECURITY_SEVERITY } from './security-severity.js';
import { verificationText } from './verification-text.js';

/** The key our content fingerprint is stored under in `partialFingerprints`. */
export const SARIF_FINGERPRINT_KEY = 'keyguard/v1';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

/** critical/high → error, medium → warning, low/info → note (GitHub's alert levels). */
export function sarifLevel(severity: Severity): SarifLevel {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

/** A repository-relative path as a URI reference: each segment percent-encoded, `/` kept. */
function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** SARIF message text treats `[` and `]` as link syntax; escape them in plain text. */
function escapeMessage(text: string): string {
  return text.replace(/[[\]\\]/g, (c) => `\\${c}`);
}

function physicalLocation(l: Location): Record<string, unknown> {
  const artifactLocation = { uri: pathUri(l.path), uriBaseId: '%SRCROOT%' };
  // A value in the file's name has no region of the file (SARIF regions start at line 1): the
  // location is the file, and the message says it is its name.
  if (l.where === 'name') return { artifactLocation };
  return {
    artifactLocation,
    region: {
      startLine: l.line,
      startColumn: l.column,
      endLine: l.endLine,
      endColumn: l.endColumn,
    },
  };
}

function markdownEscape(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

function helpText(spec: RuleSpec): string {
  const refs = (spec.references ?? []).map((r) => `See: ${r}`);
  return [spec.description, '', `Fix: ${spec.remediation}`, ...refs].join('\n');
}

function helpMarkdown(spec: RuleSpec, guidance: string | undefined): string {
  if (guidance !== undefined) return `${markdownEscape(spec.description)}\n\n${guidance.trimEnd()}`;
  const lines = [
    markdownEscape(spec.description),
    '',
    '**How to fix**',
    '',
    markdownEscape(spec.remediation),
  ];
  const refs = spec.references ?? [];
  if (refs.length > 0) lines.push('', '**References**', '', ...refs.map((r) => `- <${r}>`));
  return lines.join('\n');
}

function rule(spec: RuleSpec, guidance: string | undefined, aws: boolean): Record<string, unknown> {
  const tags = ['security', 'secret', ...(aws ? ['aws'] : []), 'external/cwe/cwe-798'];
  return {
    id: spec.id,
    name: spec.id
      .split('-')
      .map((w) => (w === 'aws' ? 'AWS' : w.charAt(0).toUpperCase() + w.slice(1)))
      .join(''),
    shortDescription: { text: spec.title },
    fullDescription: { text: spec.description.slice(0, 1024) },
    help: { text: helpText(spec), markdown: helpMarkdown(spec, guidance) },
    ...(spec.references?.[0] === undefined ? {} : { helpUri: spec.references[0] }),
    defaultConfiguration: {
      level: sarifLevel(spec.severity),
      enabled: spec.enabled !== false,
    },
    properties: {
      tags,
      precision: spec.kind === 'pair' ? 'very-high' : 'high',
      'security-severity': SECURITY_SEVERITY[spec.severity],
      severity: spec.severity,
    },
  };
}

function messageText(f: Finding, pack: CompiledPack): string {
  const parts = [`${f.title}: ${f.redacted}`];
  if (f.partner !== undefined) {
    const where = locationText(f.partner, 'line');
    parts.push(` paired with ${f.partnerRedacted ?? 'its secret'} at [${escapeMessage(where)}](1)`);
  }
  parts.push('.');
  if (f.location.where === 'name')
    parts.push(' Written in the name of the file itself, not in its content: rename it.');
  if (f.decoded !== undefined)
    parts.push(` Found inside encoded text (decoded: ${escapeMessage(f.decoded)}).`);
  if (f.assembled !== undefined)
    parts.push(
      ` Written in pieces joined by the code (assembled: ${escapeMessage(f.assembled)}); the location is the first piece.`,
    );
  if (f.commit !== undefined) parts.push(` Introduced in commit ${f.commit.sha.slice(0, 12)}.`);
  const account = accountText(f);
  if (account !== undefined) parts.push(` AWS account ${account}.`);
  if (f.keyFacts?.canary === true) parts.push(' Likely a canary token: do not use it.');
  if (f.verification !== undefined)
    parts.push(` Verified ${escapeMessage(verificationText(f.verification))}.`);
  if (f.severityReason !== undefined)
    parts.push(` Severity ${f.severity}: ${escapeMessage(f.severityReason)}.`);
  const spec = pack.byId.get(f.ruleId);
  parts.push(
    hasAwsGuidance(f.ruleId, pack) || spec === undefined
      ? ' Rotate the key; removing the line does not remove it from history.'
      : ` ${escapeMessage(spec.remediation)}`,
  );
  return parts.join('');
}

function result(
  f: Finding,
  key: string,
  ruleIndex: Map<string, number>,
  pack: CompiledPack,
): Record<string, unknown> {
  const index = ruleIndex.get(f.ruleId);
  return {
    ruleId: f.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel(f.severity),
    message: { text: messageText(f, pack) },
    locations: [{ physicalLocation: physicalLocation(f.location) }],
    ...(f.partner === undefined
      ? {}
      : {
          relatedLocations: [
            {
              id: 1,
              physicalLocation: physicalLocation(f.partner),
              message: { text: `paired value ${f.partnerRedacted ?? ''}`.trim() },
            },
          ],
        }),
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: key },
    properties: {
      severity: f.severity,
      kind: f.kind,
      redacted: f.redacted,
      ...(f.decoded === undefined ? {} : { decoded: f.decoded }),
      ...(f.assembled === undefined ? {} : { assembled: f.assembled }),
      ...(f.secretHash === undefined ? {} : { secretHash: f.secretHash }),
      ...(f.secretHmac === undefined ? {} : { secretHmac: f.secretHmac }),
      ...(f.commit === undefined
        ? {}
        : {
            commit: f.commit.sha,
            ...(f.commit.author === undefined ? {} : { author: f.commit.author }),
            ...(f.commit.date === undefined ? {} : { date: f.commit.date }),
          }),
      ...(f.keyFacts?.account === undefined ? {} : { account: f.keyFacts.account }),
      // A legacy key ID carries no account: say so without putting text where digits go.
      ...(f.keyFacts !== undefined && f.keyFacts.account === undefined
        ? { legacyKeyId: true }
        : {}),
      ...(f.keyFacts?.canary === true ? { canary: true } : {}),
      ...(f.verification === undefined ? {} : { verification: f.verification }),
      ...(f.severityReason === undefined ? {} : { severityReason: f.severityReason }),
      'security-severity': SECURITY_SEVERITY[f.severity],
    },
  };
}

/** Guidance in Markdown per rule, when a richer source than the rule's remediation exists. */
export type RuleGuidance = (spec: RuleSpec, pack: CompiledPack) => string | undefined;

/**
 * The full AWS guidance for the rule's situation (src/report/remediation.ts) for built-in rules;
 * a rule pack's rule is helped by its own description and remediation.
 */
export const defaultGuidance: RuleGuidance = awsGuidance;

/**
 * SARIF 2.1.0 for GitHub code scanning: every rule of the pack with Markdown help and a
 * security-severity, one result per finding with redacted text only, and a content fingerprint
 * (rule + path + secret hash + occurrence) that survives lines moving.
 */
export function renderSarif(
  outcome: ScanOutcome,
  ctx: RenderContext,
  guidance: RuleGuidance = defaultGuidance,
): string {
  const specs = [...ctx.pack.byId.values()];
  const ruleIndex = new Map(specs.map((s, i) => [s.id, i]));
  const keys = occurrenceKeys(outcome.findings);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keyguard',
            semanticVersion: ctx.toolVersion,
            version: ctx.toolVersion,
            rules: specs.map((s) => rule(s, guidance(s, ctx.pack), hasAwsGuidance(s.id, ctx.pack))),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The repository root.' } } },
        columnKind: 'utf16CodeUnits',
        results: outcome.findings.map((f, i) =>
          result(f, keys[i] ?? f.fingerprint, ruleIndex, ctx.pack),
        ),
        invocations: [
          {
            // An incomplete scan did not succeed, unless the user accepted it as partial.
            executionSuccessful: outcome.incomplete === undefined || outcome.incomplete.accepted,
            ...(outcome.warnings.length === 0 && outcome.incomplete === undefined
              ? {}
              : {
                  toolExecutionNotifications: [
                    ...outcome.warnings.map((w) => ({
                      level: 'warning',
                      message: { text: w.message },
                      descriptor: { id: w.code },
                    })),
                    ...(outcome.incomplete === undefined
                      ? []
                      : [
                          {
                            level: outcome.incomplete.accepted ? 'warning' : 'error',
                            message: {
                              text: `incomplete scan: ${outcome.incomplete.unread} item(s) could not be read`,
                            },
                            descriptor: { id: 'INCOMPLETE' },
                          },
                        ]),
                  ],
                }),
          },
        ],
        properties: {
          mode: outcome.mode,
          ...(outcome.coverage === undefined ? {} : { coverage: outcome.coverage }),
          suppressed: outcome.suppressed.length,
          skipped: outcome.skipped.length,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
