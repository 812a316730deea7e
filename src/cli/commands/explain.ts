import { resolve } from 'node:path';
import { KeyguardError } from '../../model/errors.js';
import type { RuleSpec } from '../../model/rule.js';
import { escapeControl } from '../../report/escape-control.js';
import { remediationFor, remediationTopicForRule } from '../../report/remediation.js';
import { BUILTIN_PACK } from '../../rules/builtin-pack.js';
import { loadRulePack } from '../../rules/load-pack.js';
import type { CommandIo } from '../command-io.js';
import { listOption, parseOptions } from '../parse-options.js';

const HELP = `Usage: keyguard explain <ruleId> [--rules <file>]

Print the full guidance for a rule: what it finds, why it matters, what to do now, how to keep it
from happening again, and references. Valid ids: 'keyguard rules list'.

Options:
      --rules <file>   also explain the rules of this pack (repeatable)
  -h, --help           this help
`;

/** Rule + guidance as text for a terminal (the guidance is Markdown, readable as it is). */
function explain(spec: RuleSpec, byId: ReadonlyMap<string, RuleSpec>): string {
  const builtin = BUILTIN_PACK.rules.includes(spec);
  const guide = remediationFor(remediationTopicForRule(spec, byId));
  const extra = (spec.references ?? []).filter((r) => !guide.references.includes(r));
  const lines = [
    `${spec.id}: ${spec.title}`,
    `severity ${spec.severity} (before verification and account lists) · kind ${spec.kind}${spec.enabled === false ? ' · off by default' : ''}`,
    '',
    spec.description,
    '',
    // A pack's own advice comes first for its rules; the guide covers the AWS side.
    ...(builtin ? [] : [`Fix (from the rule pack): ${spec.remediation}`, '']),
    guide.markdown.trimEnd(),
  ];
  if (extra.length > 0) lines.push(...extra.map((r) => `- <${r}>`));
  return `${lines.join('\n')}\n`;
}

export async function runExplain(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    io.argv,
    { help: { type: 'boolean', short: 'h' }, rules: { type: 'string', multiple: true } },
    'explain',
    1,
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const byId = new Map<string, RuleSpec>(BUILTIN_PACK.rules.map((r) => [r.id, r]));
  for (const file of listOption(values, 'rules')) {
    for (const r of (await loadRulePack(resolve(io.cwd, file))).rules) byId.set(r.id, r);
  }
  const id = positionals[0];
  const spec = id === undefined ? undefined : byId.get(id);
  if (spec === undefined) {
    const valid = [...byId.keys()].join(', ');
    throw new KeyguardError(
      'USAGE',
      id === undefined
        ? `'keyguard explain' needs a rule id; valid ids: ${valid}`
        : `unknown rule id '${id}'; valid ids: ${valid}`,
    );
  }
  // A user rule pack's text is shown as written, minus anything that would drive the terminal.
  io.stdout.write(explain(spec, byId).split('\n').map(escapeControl).join('\n'));
  return 0;
}
