import type { Finding } from '../model/finding.js';
import type { CompiledPack } from '../model/rule.js';
import { failsAt } from '../model/verdict.js';
import { accountText } from './account-text.js';
import { shortFix } from './rule-guidance.js';
import { verificationText } from './verification-text.js';

/**
 * The fields of one finding that flat formats show, in column order: the CSV header and the
 * template placeholders inside `{{#findings}}` are this list, so the two cannot drift apart.
 * Every value is redacted text the other reports already show (never a raw value).
 */
export const FINDING_FIELDS = [
  'severity',
  'ruleId',
  'title',
  'path',
  'line',
  'column',
  'endLine',
  'endColumn',
  'redacted',
  'partnerPath',
  'partnerLine',
  'partnerRedacted',
  'pairedBy',
  'decoded',
  'assembled',
  'account',
  'verification',
  'commit',
  'author',
  'date',
  'lineText',
  'fingerprint',
  'failing',
  'remediation',
  'where',
] as const;

export type FindingField = (typeof FINDING_FIELDS)[number];

/** A finding as text fields ('' where it has none); `failing` says whether it fails the gate. */
export function findingFields(
  f: Finding,
  pack: CompiledPack,
  failOn: Parameters<typeof failsAt>[1],
): Readonly<Record<FindingField, string>> {
  return {
    severity: f.severity,
    ruleId: f.ruleId,
    title: f.title,
    path: f.location.path,
    line: String(f.location.line),
    column: String(f.location.column),
    endLine: String(f.location.endLine),
    endColumn: String(f.location.endColumn),
    redacted: f.redacted,
    partnerPath: f.partner?.path ?? '',
    partnerLine: f.partner === undefined ? '' : String(f.partner.line),
    partnerRedacted: f.partnerRedacted ?? '',
    pairedBy: f.pairedBy ?? '',
    decoded: f.decoded ?? '',
    assembled: f.assembled ?? '',
    account: accountText(f) ?? '',
    verification: f.verification === undefined ? '' : verificationText(f.verification),
    commit: f.commit?.sha ?? '',
    author: f.commit?.author ?? '',
    date: f.commit?.date ?? '',
    lineText: f.lineText,
    fingerprint: f.fingerprint,
    failing: failsAt(f.severity, failOn) ? 'yes' : 'no',
    remediation: shortFix(f, pack),
    where: f.location.where ?? '',
  };
}
