import { relative, resolve } from 'node:path';
import pc from 'picocolors';
import { loadConfig } from '../../config/load-config.js';
import { userConfigOption } from '../../config/user-config-file.js';
import type { ResolvedConfig } from '../../model/config.js';
import { KeyguardError } from '../../model/errors.js';
import { escapeControl } from '../../report/escape-control.js';
import { writeReportFile } from '../../report/write-report-file.js';
import { COLOR_OPTIONS, COLOR_OPTIONS_HELP, useColor } from '../color-choice.js';
import type { CommandIo } from '../command-io.js';
import { notOneOf, parseOptions, stringOption } from '../parse-options.js';
import { configRoot } from './tree.js';

const HELP = `Usage: keyguard config show [options]

Print the configuration a scan from this folder uses, merged from every layer, and where each
value came from: the files the repository's .keyguard.json (or --config) extends, that file, and
your user configuration ($XDG_CONFIG_HOME/keyguard/config.json or ~/.config/keyguard/config.json),
which can only tighten the gate. Every layer is validated as a scan would validate it.

Options:
  -c, --config <file>       configuration file (default: .keyguard.json at the repository root)
  -f, --format <name>       human (default) or json
  -o, --output <file>       write it to a file
${COLOR_OPTIONS_HELP}
  -h, --help                this help
`;

export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  ...COLOR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every leaf of the merged config with its JSON pointer, arrays of objects entry by entry. */
function leaves(value: unknown, pointer = ''): [string, unknown][] {
  // An array entry (a rule pack, an allowlist entry) is one value: it came from one file.
  if (Array.isArray(value)) return value.map((v, i) => [`${pointer}/${i}`, v] as [string, unknown]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, `${pointer}/${k}`));
  return [[pointer, value]];
}

function human(resolved: ResolvedConfig, io: CommandIo, color: boolean): string {
  const c = pc.createColors(color);
  const shown = (file: string) => escapeControl(relative(io.cwd, file) || file);
  const layers = resolved.layers ?? [];
  const out: string[] = [];
  if (layers.length === 0) {
    out.push('no configuration file: the defaults apply');
    return `${out.join('\n')}\n`;
  }
  out.push(c.bold('layers (lowest first):'));
  for (const [i, l] of layers.entries())
    out.push(`  ${i + 1}. ${shown(l.file)} ${c.dim(`(${l.kind})`)}`);
  out.push('', c.bold('merged:'));
  const entries = leaves(resolved.config);
  if (entries.length === 0) out.push(c.dim('  (nothing set: the defaults apply)'));
  for (const [pointer, value] of entries) {
    const from = resolved.origins?.get(pointer);
    out.push(
      `  ${escapeControl(pointer)} = ${escapeControl(JSON.stringify(value))}${from === undefined ? '' : c.dim(`  ← ${shown(from)}`)}`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** `keyguard config show`: the merged configuration and where each value came from. */
export async function runConfig(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, CONFIG_OPTIONS, 'config', 1);
  const [sub] = positionals;
  if (values.help === true || sub === undefined) {
    io.stdout.write(HELP);
    return sub === undefined && values.help !== true ? 2 : 0;
  }
  if (sub !== 'show') throw new KeyguardError('USAGE', `unknown subcommand 'config ${sub}' (show)`);
  const format = stringOption(values, 'format') ?? 'human';
  if (format !== 'human' && format !== 'json')
    throw notOneOf('--format', ['human', 'json'], format);
  const explicit = stringOption(values, 'config') ?? io.env.KEYGUARD_CONFIG;
  const resolved = await loadConfig({
    root: await configRoot(io, undefined),
    today: io.today,
    ...(explicit === undefined ? {} : { explicit: resolve(io.cwd, explicit) }),
    ...userConfigOption(io.env),
  });
  const output = stringOption(values, 'output');
  const text =
    format === 'json'
      ? `${JSON.stringify(
          {
            version: 1,
            layers: resolved.layers ?? [],
            config: resolved.config,
            origins: Object.fromEntries(resolved.origins ?? []),
            warnings: resolved.warnings,
          },
          null,
          2,
        )}\n`
      : human(resolved, io, useColor(io, values, output !== undefined));
  for (const w of resolved.warnings) io.stderr.write(`keyguard: warning: ${escapeControl(w)}\n`);
  if (output === undefined) io.stdout.write(text);
  else writeReportFile(resolve(io.cwd, output), text, { label: `--output ${output}` });
  return 0;
}
