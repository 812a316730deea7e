import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StagedChange } from '../git/staged-changes.js';
import { EMPTY_ENGINE_ALLOWLIST, type ResolvedConfig } from '../model/config.js';
import { KeyguardError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/finding.js';
import type { ScanOutcome, Skipped } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import type { SourceItem } from '../model/source.js';
import type { RenderContext } from '../report/render-context.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../rules/builtin-pack.js';
import { createStagedSource } from '../sources/staged-source.js';
import type { CommandIo } from './command-io.js';
import { type Parsed, parseSize, stringOption } from './parse-options.js';

/** The names load-config and load-baseline look for; not imported from there to keep their
 * validator (ajv, the largest part of the bundle) off the pre-commit path. */
const CONFIG_FILE = '.keyguard.json';
const BASELINE_FILE = '.keyguard-baseline.json';
const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Reports that say nothing about rules when there is no finding; SARIF and the others list the
 * rule pack, so they take the full path (and stay out of the pre-commit bundle). */
type QuickFormat = 'human' | 'json';

function isQuickFormat(format: string): format is QuickFormat {
  return format === 'human' || format === 'json';
}

async function renderQuick(
  format: QuickFormat,
  outcome: ScanOutcome,
  ctx: RenderContext,
): Promise<string> {
  if (format === 'json') return (await import('../report/render-json.js')).renderJson(outcome, ctx);
  return (await import('../report/render-human.js')).renderHuman(outcome, ctx);
}
/** A pack with no rules: enough to render a report with no findings. */
const NO_RULES: CompiledPack = {
  names: [],
  rules: [],
  pairs: [],
  byId: new Map(),
  builtinAllow: { values: new Map(), patterns: [] },
};

/** What the quick path decided before any git process ran. */
export interface QuickPlan {
  readonly maxFileSize: number;
  readonly keywords: readonly Buffer[];
  /** No config and no baseline: the built-in pack alone decides, so findings need no validator. */
  readonly bare: boolean;
  readonly format: QuickFormat;
}

/** Every keyword of every built-in rule, enabled or not: a superset of what any config enables. */
function builtinKeywords(): Buffer[] | undefined {
  const words = new Set<string>();
  for (const rule of BUILTIN_PACK.rules) {
    if (rule.kind === 'pair') continue;
    if (rule.keywords === undefined || rule.keywords.length === 0) return undefined;
    for (const k of rule.keywords) words.add(k);
  }
  return [...words].map((w) => Buffer.from(w));
}

/**
 * The config when it cannot add keywords or warnings (no extra rule packs, no expiry dates), as
 * far as a keyword-free change is concerned; undefined when only the full path can tell.
 */
function simpleConfig(top: string): { maxFileSize?: number; present: boolean } | undefined {
  let text: string;
  try {
    text = readFileSync(join(top, CONFIG_FILE), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { present: false } : undefined;
  }
  if (text.includes('"expires"')) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null || parsed.rules !== undefined)
      return undefined;
    const size = parsed.maxFileSize;
    if (size !== undefined && typeof size !== 'number') return undefined;
    return size === undefined ? { present: true } : { maxFileSize: size, present: true };
  } catch {
    return undefined;
  }
}

/** Whether `keyguard staged` may skip the full set-up, and with which limits. */
export function planQuickStaged(
  io: CommandIo,
  values: Parsed['values'],
  top: string,
): QuickPlan | undefined {
  const format = stringOption(values, 'format') ?? 'human';
  if (!isQuickFormat(format)) return undefined;
  if (
    values.config !== undefined ||
    values.rules !== undefined ||
    values.output !== undefined ||
    values.baseline !== undefined ||
    values.verify !== undefined ||
    io.env.KEYGUARD_CONFIG !== undefined
  )
    return undefined;
  const keywords = builtinKeywords();
  const config = simpleConfig(top);
  if (keywords === undefined || config === undefined) return undefined;
  const sizeFlag = stringOption(values, 'max-file-size');
  const maxFileSize =
    sizeFlag === undefined
      ? (config.maxFileSize ?? DEFAULT_MAX_FILE_SIZE)
      : parseSize(sizeFlag, '--max-file-size');
  const bare = !config.present && !existsSync(join(top, BASELINE_FILE));
  return { maxFileSize, keywords, bare, format };
}

function colorFor(io: CommandIo, values: Parsed['values']): boolean {
  if (values['no-color'] === true) return false;
  if (values.color === true) return true;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY && io.env.TERM !== 'dumb';
}

function failOnOf(values: Parsed['values']): Severity {
  const flag = stringOption(values, 'fail-on');
  if (flag === undefined) return 'low';
  if ((SEVERITIES as readonly string[]).includes(flag)) return flag as Severity;
  throw new KeyguardError(
    'USAGE',
    `option '--fail-on' takes one of ${SEVERITIES.join(', ')}, not '${flag}'`,
  );
}

/**
 * The pre-commit fast path. Most commits contain no byte of any rule keyword: no rule can fire
 * whatever the config says, so the staged blobs are checked at byte level and a clean report is
 * printed without loading the config validator, the rule compiler or the engine. When a keyword
 * does occur and the repository has no config and no baseline, the built-in pack is compiled and
 * the blobs already read are scanned, still without the validator. Returns undefined when only the
 * full path can answer (a config or baseline to honour).
 */
export async function runQuickStaged(
  io: CommandIo,
  values: Parsed['values'],
  plan: QuickPlan,
  changes: readonly StagedChange[],
  workTree: string,
): Promise<number | undefined> {
  const failOn = failOnOf(values);
  // Date, not performance: the performance global loads perf_hooks on first use (~1.5 ms here).
  const started = Date.now();
  const keywords = plan.keywords;
  const source = createStagedSource({
    cwd: io.cwd,
    maxFileSize: plan.maxFileSize,
    changes,
    workTree,
    mayMatch: (buf) => keywords.some((k) => buf.includes(k)),
  });
  const items: SourceItem[] = [];
  let candidates = 0;
  for await (const item of source.items()) {
    items.push(item);
    if ('chunk' in item && item.chunk.text.length > 0) candidates++;
  }
  const coverage = source.coverage?.() ?? {};
  const color = colorFor(io, values);
  if (candidates === 0) {
    const skipped: Skipped[] = [];
    const stats = { files: 0, bytes: 0, chunks: 0, durationMs: 0 };
    for (const item of items) {
      if ('skipped' in item) {
        skipped.push(item.skipped);
        continue;
      }
      stats.files++;
      stats.chunks++;
      stats.bytes += item.chunk.size ?? 0;
    }
    stats.durationMs = Date.now() - started;
    const outcome: ScanOutcome = {
      mode: 'staged',
      findings: [],
      suppressed: [],
      skipped,
      warnings: [],
      stats,
      coverage,
    };
    const ctx = { pack: NO_RULES, toolVersion: io.version, verbose: values.verbose === true };
    io.stdout.write(await renderQuick(plan.format, outcome, { ...ctx, color }));
    return 0;
  }
  if (!plan.bare) return undefined;
  const [{ compilePacks }, { runScan }, { assessFindings }] = await Promise.all([
    import('../rules/compile-pack.js'),
    import('../app/run-scan.js'),
    import('../app/assess-findings.js'),
  ]);
  const pack = compilePacks([{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }]);
  const config: ResolvedConfig = {
    config: {},
    rulePacks: [],
    engineAllow: EMPTY_ENGINE_ALLOWLIST,
    pathAllow: [],
    warnings: [],
  };
  const replay = {
    async *items() {
      yield* items;
    },
    coverage: () => coverage,
  };
  // Same severities as the full path: canaries info (no config here, so no account lists).
  const result = assessFindings(await runScan(replay, 'staged', { pack, config }), {
    today: io.today,
  });
  const ctx = { pack, toolVersion: io.version, verbose: values.verbose === true, color };
  io.stdout.write(await renderQuick(plan.format, result, ctx));
  const gate = SEVERITIES.indexOf(failOn);
  return result.findings.some((f) => SEVERITIES.indexOf(f.severity) <= gate) ? 1 : 0;
}
