import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { assessScan } from '../app/assess-scan.js';
import type { ParallelPlan } from '../app/collect-parallel.js';
import {
  createBytePrefilter,
  createScanSetup,
  type LoadedSetup,
} from '../app/create-scan-setup.js';
import { runScan, type ScanResult } from '../app/run-scan.js';
import { BASELINE_FILE_NAME, loadBaseline } from '../config/load-baseline.js';
import { createCredentialCollector } from '../engine/collect-credentials.js';
import type { SourceKind } from '../model/chunk.js';
import { KeyguardError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/finding.js';
import type { Source } from '../model/source.js';
import { escapeControl } from '../report/escape-control.js';
import { isFormat, render } from '../report/render.js';
import { writeReportFile } from '../report/write-report-file.js';
import type { CommandIo } from './command-io.js';
import { listOption, type Parsed, parseSize, stringOption } from './parse-options.js';
import { verifyOptions } from './verify-options.js';

const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;

export interface SourceFactoryInput {
  readonly setup: LoadedSetup;
  readonly maxFileSize: number;
  readonly mayMatch?: (buf: Buffer) => boolean;
}

export interface ScanPlan {
  readonly mode: SourceKind;
  /** Where `.keyguard.json` and the default baseline are looked for. */
  readonly root: string;
  readonly source: (input: SourceFactoryInput) => Source | Promise<Source>;
  /**
   * The repository paths this scan covers: unmatched baseline entries there are stale (reported,
   * and failing with --fail-on-stale). Undefined: the scan cannot tell (stdin), none are reported.
   */
  readonly covers?: (path: string) => boolean;
  /** Runs on the result before it is reported (history: one finding per secret across commits). */
  readonly finish?: (result: ScanResult) => ScanResult;
}

export interface PlannedScan {
  readonly setup: LoadedSetup;
  readonly result: ScanResult;
  readonly failOn: Severity;
}

function parseSeverity(text: string, flag: string): Severity {
  if ((SEVERITIES as readonly string[]).includes(text)) return text as Severity;
  throw new KeyguardError(
    'USAGE',
    `option '${flag}' takes one of ${SEVERITIES.join(', ')}, not '${text}'`,
  );
}

function useColor(io: CommandIo, values: Parsed['values'], toFile: boolean): boolean {
  if (values['no-color'] === true || toFile) return false;
  if (values.color === true) return true;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY && io.env.TERM !== 'dumb';
}

async function baselineFor(
  values: Parsed['values'],
  io: CommandIo,
  root: string,
  configured?: string,
) {
  if (values['no-baseline'] === true) return undefined;
  const explicit = stringOption(values, 'baseline');
  if (explicit !== undefined) return loadBaseline(resolve(io.cwd, explicit));
  if (configured !== undefined) return loadBaseline(configured);
  const fallback = join(root, BASELINE_FILE_NAME);
  return existsSync(fallback) ? loadBaseline(fallback) : undefined;
}

/** Whether any finding is at or above the gate. */
export function failsGate(result: ScanResult, failOn: Severity): boolean {
  const gate = SEVERITIES.indexOf(failOn);
  return result.findings.some((f) => SEVERITIES.indexOf(f.severity) <= gate);
}

/** Setup and scan without reporting: `executeScan` and `keyguard baseline` share it. */
export async function runPlannedScan(
  io: CommandIo,
  values: Parsed['values'],
  plan: ScanPlan,
  options: { readonly ignoreBaseline?: boolean } = {},
): Promise<PlannedScan> {
  const configFile = stringOption(values, 'config') ?? io.env.KEYGUARD_CONFIG;
  const setup = await createScanSetup({
    root: plan.root,
    today: io.today,
    ...(configFile === undefined ? {} : { configFile: resolve(io.cwd, configFile) }),
    rulePacks: listOption(values, 'rules').map((r) => resolve(io.cwd, r)),
  });
  const sizeFlag = stringOption(values, 'max-file-size');
  const maxFileSize =
    sizeFlag === undefined
      ? (setup.config.config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE)
      : parseSize(sizeFlag, '--max-file-size');
  const failFlag = stringOption(values, 'fail-on');
  const failOn =
    failFlag === undefined
      ? (setup.config.config.failOn ?? 'low')
      : parseSeverity(failFlag, '--fail-on');
  const baseline =
    options.ignoreBaseline === true
      ? undefined
      : await baselineFor(values, io, plan.root, setup.config.baseline);
  const mayMatch = createBytePrefilter(setup.pack);
  const source = await plan.source({
    setup,
    maxFileSize,
    ...(mayMatch === undefined ? {} : { mayMatch }),
  });
  // --verify: raw pairs are collected on this thread (workers cannot hand them back).
  const verify = values.verify === true ? verifyOptions(io) : undefined;
  const collector = verify === undefined ? undefined : createCredentialCollector();
  const parallel = parallelPlan(io, values, setup, maxFileSize);
  const scanned = await runScan(
    source,
    plan.mode,
    { ...setup, ...(baseline === undefined ? {} : { baseline }), ...(collector && { collector }) },
    collector === undefined ? parallel : undefined,
  );
  const result = await assessScan(plan.finish === undefined ? scanned : plan.finish(scanned), {
    today: io.today,
    ...(setup.config.config.accounts === undefined
      ? {}
      : { accounts: setup.config.config.accounts }),
    ...(verify === undefined || collector === undefined
      ? {}
      : { verify: { collector, options: verify } }),
  });
  return { setup, result, failOn };
}

/** Worker threads for big trees, unless `--jobs 1` or the worker script is not built. */
function parallelPlan(
  io: CommandIo,
  values: Parsed['values'],
  setup: LoadedSetup,
  maxFileSize: number,
): ParallelPlan | undefined {
  const flag = stringOption(values, 'jobs');
  const jobs = flag === undefined ? availableParallelism() : Number(flag);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new KeyguardError('USAGE', `option '--jobs' takes a whole number from 1, not '${flag}'`);
  if (jobs === 1 || io.workerScript === undefined) return undefined;
  return {
    workerScript: io.workerScript,
    jobs,
    force: flag !== undefined,
    maxFileSize,
    packSources: setup.packSources,
    compileOptions: setup.compileOptions,
  };
}

/** The shared tail of every scanning command: setup, scan, report, exit code. */
export async function executeScan(
  io: CommandIo,
  values: Parsed['values'],
  plan: ScanPlan,
): Promise<number> {
  const format = stringOption(values, 'format') ?? 'human';
  if (!isFormat(format))
    throw new KeyguardError('USAGE', `unknown format '${format}' for '--format'`);
  const { setup, result: scanned, failOn } = await runPlannedScan(io, values, plan);
  const covers = plan.covers;
  const stale = covers === undefined ? [] : scanned.staleBaseline.filter((e) => covers(e.path));
  const result = { ...scanned, staleBaseline: stale };
  for (const w of result.warnings)
    io.stderr.write(`keyguard: warning: ${escapeControl(w.message)}\n`);
  if (stale.length > 0) {
    io.stderr.write(
      `keyguard: warning: ${stale.length} baseline ${stale.length === 1 ? 'entry matches' : 'entries match'} nothing any more; run 'keyguard baseline' to prune${values['fail-on-stale'] === true ? '' : ' (--fail-on-stale makes this fail)'}\n`,
    );
  }
  const output = stringOption(values, 'output');
  const ctx = { pack: setup.pack, toolVersion: io.version, verbose: values.verbose === true };
  const report = await render(format, result, {
    ...ctx,
    color: useColor(io, values, output !== undefined),
  });
  if (output === undefined) {
    io.stdout.write(report);
  } else {
    writeReportFile(resolve(io.cwd, output), report, { label: `--output ${output}` });
    const n = result.findings.length;
    io.stderr.write(
      `keyguard: ${n} finding${n === 1 ? '' : 's'} written to ${output} (${result.stats.files} files scanned)\n`,
    );
  }
  if (failsGate(result, failOn)) return 1;
  return values['fail-on-stale'] === true && stale.length > 0 ? 1 : 0;
}
