import type { Finding } from '../model/finding.js';
import type { CompiledPack, RuleSpec } from '../model/rule.js';
import { remediationFor, remediationTopic, remediationTopicForRule } from './remediation.js';

/**
 * Whether a rule's findings get the shipped AWS guidance: rules of the built-in pack do, and so
 * does a rule the pack does not know (a report rendered on its own). A rule pack's own rule brings
 * its own `remediation`: AWS rotation steps are wrong advice for another vendor's token.
 */
export function hasAwsGuidance(ruleId: string, pack: CompiledPack): boolean {
  return pack.origins.get(ruleId)?.builtin !== false;
}

/** The one-line fix shown with a finding: the situation's AWS advice, or the rule's own text. */
export function shortFix(f: Finding, pack: CompiledPack): string {
  const spec = pack.byId.get(f.ruleId);
  if (!hasAwsGuidance(f.ruleId, pack) && spec !== undefined) return spec.remediation;
  return remediationFor(remediationTopic(f, f.verification?.principal)).short;
}

/**
 * Full guidance in Markdown for a rule of the built-in pack (SARIF help, `keyguard explain`);
 * undefined for a rule pack's own rule, whose `remediation` is its guidance.
 */
export function awsGuidance(spec: RuleSpec, pack: CompiledPack): string | undefined {
  if (!hasAwsGuidance(spec.id, pack)) return undefined;
  return remediationFor(remediationTopicForRule(spec, pack.byId)).markdown;
}
