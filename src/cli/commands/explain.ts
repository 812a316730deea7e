import { resolve } from 'node:path';
import { createScanSetup } from '../../app/create-scan-setup.js';
import { userConfigOption } from '../../config/user-config-file.js';
import { KeyguardError } from '../../model/errors.js';
import type { RuleSpec } from '../../model/rule.js';
import { markdownForTerminal } from '../../report/markdown-terminal.js';
import { remediationFor, remediationTopicForRule } from '../../report/remediation.js';
import { writeReportFile } from '../../report/write-report-file.js';
import { BUILTIN_PACK } from '../../rules/builtin-pack.js';
import { COLOR_OPTIONS, COLOR_OPTIONS_HELP, useColor } from '../color-choice.js';
import type { CommandIo } from '../command-io.js';
import { listOption, parseOptions, stringOption } from '../parse-options.js';
import { configRoot } from './tree.js';

const HELP = `Usage: keyguard explain <ruleId> [options]

Print the full guidance for a rule: what it finds, why it matters, what to do now, how to keep it
from happening again, and references. Valid ids: 'keyguard rules list' (the built-in rules, and
those of the rule packs your .keyguard.json or --rules names).

Options:
  -c, --config <file>       configuration file (default: .keyguard.json at the repository root)
      --rules <file>        also explain the rules of this pack (repeatable)
  -o, --output <file>       write the guidance to a file (plain text, no colour)
${COLOR_OPTIONS_HELP}
  -h, --help                this help
`;

/** Rule + guidance, as Markdown (rendered for the terminal by the caller). */
function explain(spec: RuleSpec, byId: ReadonlyMap<string, RuleSpec>): string {
  const builtin = BUILTIN_PACK.rules.includes(spec);
  const guide = remediationFor(remediationTopicForRule(spec, byId));
  const extra = (spec.references ?? []).filter((r) => !guide.references.includes(r));
  const lines = [
    `# ${spec.id}: ${spec.title}`,
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

export const EXPLAIN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  rules: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  ...COLOR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runExplain(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, EXPLAIN_OPTIONS, 'explain', 1);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const config = stringOption(values, 'config') ?? io.env.KEYGUARD_CONFIG;
  const setup = await createScanSetup({
    root: await configRoot(io, undefined),
    today: io.today,
    ...(config === undefined ? {} : { configFile: resolve(io.cwd, config) }),
    rulePacks: listOption(values, 'rules').map((r) => resolve(io.cwd, r)),
    ...userConfigOption(io.env),
  });
  const byId = setup.pack.byId;
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
  const output = stringOption(values, 'output');
  const text = markdownForTerminal(explain(spec, byId), useColor(io, values, output !== undefined));
  if (output === undefined) io.stdout.write(text);
  else writeReportFile(resolve(io.cwd, output), text, { label: `--output ${output}` });
  return 0;
}
