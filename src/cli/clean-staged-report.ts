import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StagedChange } from '../git/staged-changes.js';
import type { ScanOutcome, Skipped } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import { BUILTIN_PACK } from '../rules/builtin-pack.js';
import { createStagedSource } from '../sources/staged-source.js';
import type { CommandIo } from './command-io.js';
import { type Parsed, parseSize, stringOption } from './parse-options.js';

/** Same name load-config looks for; not imported from there to keep its validator off this path. */
const CONFIG_FILE = '.keyguard.json';
const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** A pack with no rules: enough to render a report with no findings. */
const NO_RULES: CompiledPack = {
  names: [],
  rules: [],
  pairs: [],
  byId: new Map(),
  builtinAllow: { values: new Map(), patterns: [] },
};

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

/** The config, when reading it cannot change the outcome of a keyword-free change; else undefined. */
function simpleConfig(top: string): { maxFileSize?: number } | undefined {
  let text: string;
  try {
    text = readFileSync(join(top, CONFIG_FILE), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : undefined;
  }
  // Extra rule packs add keywords; expiry dates print warnings: leave both to the full path.
  if (text.includes('"expires"')) return undefined;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed !== 'object' || parsed === null || parsed.rules !== undefined)
      return undefined;
    const size = parsed.maxFileSize;
    if (size !== undefined && typeof size !== 'number') return undefined;
    return size === undefined ? {} : { maxFileSize: size };
  } catch {
    return undefined;
  }
}

function colorFor(io: CommandIo, values: Parsed['values']): boolean {
  if (values['no-color'] === true) return false;
  if (values.color === true) return true;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY && io.env.TERM !== 'dumb';
}

/**
 * The pre-commit fast path. Most commits contain no byte of any rule keyword; for those, no rule can
 * fire whatever the config says, so the staged blobs are checked at byte level and a clean report
 * is printed without loading the config validator, the rule compiler or the engine. Returns
 * undefined whenever a full scan is needed (a keyword matched, or options the fast path does not
 * model: extra rule packs, other formats, --output, --verbose, allowlist expiry warnings).
 */
export async function cleanStagedReport(
  io: CommandIo,
  values: Parsed['values'],
  top: string,
  changes: readonly StagedChange[],
): Promise<number | undefined> {
  const format = stringOption(values, 'format') ?? 'human';
  if (format !== 'human' && format !== 'json') return undefined;
  if (
    values.config !== undefined ||
    values.rules !== undefined ||
    values.output !== undefined ||
    values.verbose === true ||
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
  const started = performance.now();
  const source = createStagedSource({
    cwd: io.cwd,
    maxFileSize,
    changes,
    mayMatch: (buf) => keywords.some((k) => buf.includes(k)),
  });
  const skipped: Skipped[] = [];
  const stats = { files: 0, bytes: 0, chunks: 0, durationMs: 0 };
  for await (const item of source.items()) {
    if ('skipped' in item) {
      skipped.push(item.skipped);
      continue;
    }
    if (item.chunk.text.length > 0) return undefined;
    stats.files++;
    stats.chunks++;
    stats.bytes += item.chunk.size ?? 0;
  }
  stats.durationMs = Math.round(performance.now() - started);
  const outcome: ScanOutcome = {
    mode: 'staged',
    findings: [],
    suppressed: [],
    skipped,
    warnings: [],
    stats,
    coverage: source.coverage?.() ?? {},
  };
  const ctx = {
    pack: NO_RULES,
    toolVersion: io.version,
    verbose: false,
    color: colorFor(io, values),
  };
  const report =
    format === 'json'
      ? (await import('../report/render-json.js')).renderJson(outcome, ctx)
      : (await import('../report/render-human.js')).renderHuman(outcome, ctx);
  io.stdout.write(report);
  return 0;
}
