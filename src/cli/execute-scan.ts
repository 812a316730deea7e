import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  type BaselineChoice,
  type ScanOptions,
  type ScanReport,
  type ScanTarget,
  scan,
} from '../app/scan.js';
import { userConfigFile } from '../config/user-config-file.js';
import { indexEntryCount } from '../git/index-entry-count.js';
import { KeyguardError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { Verdict } from '../model/verdict.js';
import { escapeControl } from '../report/escape-control.js';
import { FORMATS, type Format, isFormat, render } from '../report/render.js';
import { type CompiledTemplate, compileTemplate } from '../report/template.js';
import { writeReportFile } from '../report/write-report-file.js';
import { readRegularFile } from '../schema/read-regular-file.js';
import { useColor } from './color-choice.js';
import type { CommandIo } from './command-io.js';
import { listOption, notOneOf, type Parsed, parseSize, stringOption } from './parse-options.js';

/** What a scanning command asks for: the target, and where its config lives. */
export interface CliScan {
  readonly target: ScanTarget;
  /** Where `.keyguard.json` and the default baseline are looked for (the repository's top). */
  readonly root: string;
  /** The repository paths the scan covers (stale baseline entries); undefined: cannot tell. */
  readonly covers?: (path: string) => boolean;
  /** Where configuration is looked for instead of `root`; `false`: nowhere (see ScanOptions). */
  readonly configRoot?: string | false;
  /** A local `history` scan's cache (see history-cache-settings.ts); gates never pass one. */
  readonly historyCache?: ScanOptions['historyCache'];
}

function parseSeverity(text: string, flag: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(text)) return text as Severity;
  throw notOneOf(flag, SEVERITIES, text);
}

/** `--config`, or the KEYGUARD_CONFIG variable: a config file named on purpose. */
export function configFlag(io: CommandIo, values: Parsed['values']): string | undefined {
  return stringOption(values, 'config') ?? io.env.KEYGUARD_CONFIG;
}

export function baselineChoice(io: CommandIo, values: Parsed['values']): BaselineChoice {
  if (values['no-baseline'] === true) return { kind: 'none' };
  const explicit = stringOption(values, 'baseline');
  return explicit === undefined
    ? { kind: 'default' }
    : { kind: 'file', file: resolve(io.cwd, explicit) };
}

/**
 * Worker threads for big trees, unless `--jobs 1` or the worker script is not built. Never more
 * than the machine's cores: each thread is a whole JavaScript engine (~30 MB and ~0.1 s to start),
 * and threads beyond the cores only compete for them, so `--jobs 1000000` must not start a
 * million of them (it once did, and took the machine's memory with it).
 */
function threads(io: CommandIo, values: Parsed['values'], root: string): ScanOptions['threads'] {
  const flag = stringOption(values, 'jobs');
  const cores = availableParallelism();
  const asked = flag === undefined ? cores : Number(flag);
  if (!Number.isInteger(asked) || asked < 1)
    throw new KeyguardError('USAGE', `option '--jobs' takes a whole number from 1, not '${flag}'`);
  const jobs = Math.min(asked, cores);
  if (jobs === 1 || io.workerScript === undefined) return undefined;
  const indexedFiles = indexEntryCount(root, io.env);
  return {
    workerScript: io.workerScript,
    ...(io.workerArgv === undefined ? {} : { workerArgv: io.workerArgv }),
    jobs,
    force: flag !== undefined,
    ...(indexedFiles === undefined ? {} : { indexedFiles }),
  };
}

/** The command line's scan flags as the app's scan options. */
export async function scanOptionsFrom(
  io: CommandIo,
  values: Parsed['values'],
  cli: Pick<CliScan, 'root' | 'covers' | 'configRoot' | 'historyCache'>,
): Promise<ScanOptions> {
  // --only-verified means nothing without verification: it asks for it.
  const onlyVerified = values['only-verified'] === true;
  const verifying = values.verify === true || onlyVerified;
  for (const flag of ['verify-timeout', 'verify-concurrency'])
    if (!verifying && values[flag] !== undefined)
      throw new KeyguardError('USAGE', `option '--${flag}' is for '--verify'`);
  // Loaded only for --verify: the HTTP and TLS stack stays off every other scan's start.
  const verify = verifying
    ? (await import('./verify-options.js')).verifyOptions(io, values)
    : undefined;
  const configFile = configFlag(io, values);
  const sizeFlag = stringOption(values, 'max-file-size');
  const failFlag = stringOption(values, 'fail-on');
  const workers = threads(io, values, cli.root);
  const userConfig = userConfigFile(io.env);
  return {
    root: cli.root,
    ...(cli.configRoot === undefined ? {} : { configRoot: cli.configRoot }),
    today: io.today,
    ...(configFile === undefined ? {} : { configFile: resolve(io.cwd, configFile) }),
    rulePacks: listOption(values, 'rules').map((r) => resolve(io.cwd, r)),
    baseline: baselineChoice(io, values),
    ...(sizeFlag === undefined ? {} : { maxFileSize: parseSize(sizeFlag, '--max-file-size') }),
    ...(failFlag === undefined ? {} : { failOn: parseSeverity(failFlag, '--fail-on') }),
    ...(values['allow-partial'] === true ? { allowPartial: true } : {}),
    ...(values['fail-on-stale'] === true ? { failOnStale: true } : {}),
    ...(values['no-other-markers'] === true ? { otherMarkers: false } : {}),
    ...(cli.covers === undefined ? {} : { covers: cli.covers }),
    ...(userConfig === undefined ? {} : { userConfig }),
    ...(cli.historyCache === undefined ? {} : { historyCache: cli.historyCache }),
    ...(verify === undefined ? {} : { verify }),
    ...(onlyVerified ? { onlyVerified: true } : {}),
    ...(workers === undefined ? {} : { threads: workers }),
  };
}

/** One line on stderr for what the scan did not read, and how to accept that. */
function incompleteWarning(outcome: ScanOutcome): string | undefined {
  const inc = outcome.incomplete;
  if (inc === undefined) return undefined;
  const what =
    inc.unread > 0
      ? `${inc.unread} item${inc.unread === 1 ? '' : 's'} could not be read (--verbose lists them)`
      : String(outcome.coverage?.partialReason ?? 'part of the history was not scanned');
  return inc.accepted
    ? `keyguard: warning: PARTIAL scan (accepted): ${what}\n`
    : `keyguard: incomplete scan: ${what}; fix that, or accept a partial scan with --allow-partial\n`;
}

/**
 * `--format` (one of FORMATS, listed when it is not) and, for `--format template`, the parsed
 * `--template` file; `--template` alone implies the template format. Checked before any file is
 * read, so a typo costs nothing.
 */
export function reportFormat(
  io: CommandIo,
  values: Parsed['values'],
): { format: Format; template?: CompiledTemplate } {
  const file = stringOption(values, 'template');
  const format = stringOption(values, 'format') ?? (file === undefined ? 'human' : 'template');
  if (!isFormat(format)) throw notOneOf('--format', FORMATS, format);
  if (format !== 'template') {
    if (file !== undefined)
      throw new KeyguardError('USAGE', "option '--template' is for '--format template'");
    return { format };
  }
  if (file === undefined)
    throw new KeyguardError('USAGE', "'--format template' needs '--template <file>'");
  let text: string | undefined;
  try {
    text = readRegularFile(resolve(io.cwd, file));
  } catch (error) {
    throw new KeyguardError(
      'USAGE',
      `cannot read --template ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (text === undefined)
    throw new KeyguardError('USAGE', `--template ${file} is not a regular file`);
  return { format, template: compileTemplate(text, `--template ${file}`) };
}

/** The shared tail of every scanning command: scan, report, exit code. */
export async function executeScan(
  io: CommandIo,
  values: Parsed['values'],
  cli: CliScan,
): Promise<number> {
  return (await scanAndReport(io, values, cli)).exitCode;
}

/** Scans and reports; the verdict says why the exit code is what it is (hooks word their last line by it). */
export async function scanAndReport(
  io: CommandIo,
  values: Parsed['values'],
  cli: CliScan,
): Promise<Verdict> {
  const { format, template } = reportFormat(io, values);
  const report: ScanReport = await scan(cli.target, await scanOptionsFrom(io, values, cli));
  const { setup, outcome: result } = report;
  const stale = result.staleBaseline;
  for (const w of result.warnings)
    io.stderr.write(`keyguard: warning: ${escapeControl(w.message)}\n`);
  if (stale.length > 0) {
    io.stderr.write(
      `keyguard: warning: ${stale.length} baseline ${stale.length === 1 ? 'entry matches' : 'entries match'} nothing any more; run 'keyguard baseline' to prune${values['fail-on-stale'] === true ? '' : ' (--fail-on-stale makes this fail)'}\n`,
    );
  }
  const output = stringOption(values, 'output');
  const ctx = { pack: setup.pack, toolVersion: io.version, verbose: values.verbose === true };
  const text = await render(format, result, {
    ...ctx,
    color: useColor(io, values, output !== undefined),
    ...(template === undefined ? {} : { template }),
  });
  if (output === undefined) {
    io.stdout.write(text);
  } else {
    writeReportFile(resolve(io.cwd, output), text, { label: `--output ${output}` });
    const n = result.findings.length;
    io.stderr.write(
      `keyguard: ${n} finding${n === 1 ? '' : 's'} written to ${output} (${result.stats.files} files scanned)\n`,
    );
  }
  const warning = incompleteWarning(result);
  if (warning !== undefined) io.stderr.write(warning);
  return report.outcome.verdict;
}
