import type { CredentialCollector } from '../engine/collect-credentials.js';
import { detectChunk } from '../engine/detect.js';
import { applyFilters } from '../filters/apply-filters.js';
import type { SourceKind } from '../model/chunk.js';
import type { ResolvedConfig } from '../model/config.js';
import type { BaselineEntry, Finding } from '../model/finding.js';
import type { ScanOutcome, ScanStats, Skipped } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import type { Source } from '../model/source.js';
import type { ParallelPlan } from './collect-parallel.js';
import { worthParallel } from './worth-parallel.js';

export interface ScanSetup {
  readonly pack: CompiledPack;
  readonly config: ResolvedConfig;
  readonly baseline?: readonly BaselineEntry[];
  /** `--verify` only: receives raw credential pairs for the verifier (single-threaded scans). */
  readonly collector?: CredentialCollector;
}

export interface ScanResult extends ScanOutcome {
  readonly staleBaseline: readonly BaselineEntry[];
}

function byLocation(a: Finding, b: Finding): number {
  const pa = a.location.path;
  const pb = b.location.path;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.location.line - b.location.line || a.location.column - b.location.column;
}

/** Reads the source item by item on this thread. */
async function collectSequential(
  source: Source,
  setup: ScanSetup,
  into: { found: Finding[]; skipped: Skipped[]; stats: ScanStats },
): Promise<void> {
  const seenPaths = new Set<string>();
  for await (const item of source.items()) {
    if ('skipped' in item) {
      into.skipped.push(item.skipped);
      continue;
    }
    const chunk = item.chunk;
    into.stats.chunks++;
    if (!seenPaths.has(chunk.path)) {
      seenPaths.add(chunk.path);
      into.stats.files++;
    }
    into.stats.bytes += chunk.size ?? Buffer.byteLength(chunk.text);
    if (chunk.text.length > 0) {
      for (const f of detectChunk(chunk, setup.pack, setup.config.engineAllow, setup.collector))
        into.found.push(f);
    }
  }
}

/** One scan: source → engine → filters, with counts of everything scanned, skipped and suppressed. */
export async function runScan(
  source: Source,
  mode: SourceKind,
  setup: ScanSetup,
  parallel?: ParallelPlan,
): Promise<ScanResult> {
  const started = Date.now();
  const stats: ScanStats = { files: 0, bytes: 0, chunks: 0, durationMs: 0 };
  const found: Finding[] = [];
  const skipped: Skipped[] = [];
  const targets = parallel === undefined ? undefined : await source.targets?.();
  if (
    parallel !== undefined &&
    targets !== undefined &&
    (parallel.force || worthParallel(targets))
  ) {
    // Started only once the tree is known to be big: a small one never pays for thread start-up.
    // Imported here, so worker_threads never loads on the pre-commit path.
    const { startWorkerPool } = await import('./collect-parallel.js');
    const pool = startWorkerPool(parallel, setup.config.engineAllow);
    try {
      const collected = await pool.run(targets);
      found.push(...collected.found);
      skipped.push(...collected.skipped);
      stats.files += collected.files;
      stats.chunks += collected.chunks;
      stats.bytes += collected.bytes;
    } finally {
      // On a worker's failure the others would otherwise keep the process alive.
      pool.close();
    }
  } else {
    await collectSequential(source, setup, { found, skipped, stats });
  }
  const filtered = applyFilters(found, {
    pathAllow: setup.config.pathAllow,
    ...(setup.baseline === undefined ? {} : { baseline: setup.baseline }),
  });
  stats.durationMs = Date.now() - started;
  const coverage = source.coverage?.();
  return {
    mode,
    findings: filtered.kept.sort(byLocation),
    suppressed: filtered.suppressed,
    skipped: skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    warnings: setup.config.warnings.map((message) => ({ code: 'CONFIG', message })),
    stats,
    ...(coverage === undefined ? {} : { coverage }),
    staleBaseline: filtered.staleBaseline,
  };
}
