import { resolve } from 'node:path';
import pc from 'picocolors';
import { checkRuleExamples } from '../../app/check-rule-examples.js';
import { createScanSetup } from '../../app/create-scan-setup.js';
import { userConfigOption } from '../../config/user-config-file.js';
import { KeyguardError } from '../../model/errors.js';
import { escapeControl } from '../../report/escape-control.js';
import { writeReportFile } from '../../report/write-report-file.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../rules/builtin-pack.js';
import { loadRulePack } from '../../rules/load-pack.js';
import { COLOR_OPTIONS, COLOR_OPTIONS_HELP, useColor } from '../color-choice.js';
import type { CommandIo } from '../command-io.js';
import { listOption, notOneOf, type Parsed, parseOptions, stringOption } from '../parse-options.js';
import { configRoot } from './tree.js';

const HELP = `Usage: keyguard rules check <file...> | check --builtin | list [options]

  check <file...>   validate rule packs against the schema and run their examples
                    (exit 0: valid; 1: examples fail; 2: the file is not a valid pack)
  check --builtin   the same for the built-in AWS pack
  list              every rule a scan here would load (built-in, the config's rule packs and
                    --rules), with kind, severity, pack and whether it is on: the config's
                    enableRules and disableRules decide, as they do for a scan

Options:
      --builtin             check: the built-in pack
  -c, --config <file>       list: configuration file (default: .keyguard.json at the repository root)
      --rules <file>        list: add a rule pack (repeatable)
  -f, --format <name>       list: human (default) or json
  -o, --output <file>       list: write the list to a file
${COLOR_OPTIONS_HELP}
  -h, --help                this help
`;

export const RULES_OPTIONS = {
  builtin: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  rules: { type: 'string', multiple: true },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  ...COLOR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

async function check(io: CommandIo, files: readonly string[], builtin: boolean): Promise<number> {
  if (files.length === 0 && !builtin)
    throw new KeyguardError(
      'USAGE',
      "'keyguard rules check' needs a rule-pack file (or --builtin)",
    );
  let failed = 0;
  const packs = builtin ? [{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }] : [];
  for (const file of files) packs.push({ spec: await loadRulePack(resolve(io.cwd, file)), file });
  for (const { spec, file } of packs) {
    const failures = checkRuleExamples(spec, file);
    failed += failures.length;
    for (const f of failures) io.stdout.write(`${escapeControl(`${f.pointer}: ${f.message}`)}\n`);
    const examples = spec.rules.reduce(
      (n, r) => n + r.examples.match.length + r.examples.noMatch.length,
      0,
    );
    io.stdout.write(
      `${file}: ${spec.rules.length} rules, ${examples} examples, ${failures.length === 0 ? 'all pass' : `${failures.length} failing`}\n`,
    );
  }
  return failed === 0 ? 0 : 1;
}

interface ListedRule {
  readonly id: string;
  readonly kind: string;
  readonly severity: string;
  readonly enabled: boolean;
  readonly pack: string;
  readonly title: string;
}

/** The rules a scan from here loads, on or off as the configuration says. */
async function list(io: CommandIo, values: Parsed['values']): Promise<number> {
  const format = stringOption(values, 'format') ?? 'human';
  if (format !== 'human' && format !== 'json')
    throw notOneOf('--format', ['human', 'json'], format);
  const config = stringOption(values, 'config') ?? io.env.KEYGUARD_CONFIG;
  const setup = await createScanSetup({
    root: await configRoot(io, undefined),
    today: io.today,
    ...(config === undefined ? {} : { configFile: resolve(io.cwd, config) }),
    rulePacks: listOption(values, 'rules').map((r) => resolve(io.cwd, r)),
    ...userConfigOption(io.env),
  });
  const { pack } = setup;
  const on = new Set([...pack.rules.map((r) => r.id), ...pack.pairs.map((p) => p.id)]);
  const rules: ListedRule[] = [...pack.byId.values()].map((r) => ({
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    enabled: on.has(r.id),
    pack: pack.origins.get(r.id)?.pack ?? '',
    title: r.title,
  }));
  const output = stringOption(values, 'output');
  let text: string;
  if (format === 'json') {
    text = `${JSON.stringify({ version: 1, config: setup.config.file ?? null, rules }, null, 2)}\n`;
  } else {
    const c = pc.createColors(useColor(io, values, output !== undefined));
    const width = Math.max(...rules.map((r) => r.id.length)) + 2;
    text = rules
      .map(
        (r) =>
          `${escapeControl(r.id).padEnd(width)} ${r.kind.padEnd(14)} ${r.severity.padEnd(8)} ${r.enabled ? c.green('on ') : c.dim('off')}  ${c.dim(escapeControl(r.pack).padEnd(10))} ${escapeControl(r.title)}\n`,
      )
      .join('');
  }
  if (output === undefined) io.stdout.write(text);
  else writeReportFile(resolve(io.cwd, output), text, { label: `--output ${output}` });
  return 0;
}

export async function runRules(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, RULES_OPTIONS, 'rules');
  const [sub, ...files] = positionals;
  if (values.help === true || sub === undefined) {
    io.stdout.write(HELP);
    return sub === undefined && values.help !== true ? 2 : 0;
  }
  const onlyFor = (names: readonly string[], command: string) => {
    const given = names.find((n) => values[n] !== undefined);
    if (given !== undefined)
      throw new KeyguardError('USAGE', `option '--${given}' is for 'keyguard rules ${command}'`);
  };
  if (sub === 'check') {
    onlyFor(['config', 'rules', 'format', 'output'], 'list');
    return check(io, files, values.builtin === true);
  }
  if (sub === 'list') {
    if (files.length > 0)
      throw new KeyguardError(
        'USAGE',
        `unexpected argument '${files[0]}' for 'keyguard rules list'`,
      );
    onlyFor(['builtin'], 'check');
    return list(io, values);
  }
  throw new KeyguardError('USAGE', `unknown subcommand 'rules ${sub}' (check or list)`);
}
