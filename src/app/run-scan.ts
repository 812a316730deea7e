import type { CredentialCollector } from '../engine/collect-credentials.js';
import { detectChunk } from '../engine/detect.js';
import { applyFilters } from '../filters/apply-filters.js';
import type { SourceKind } from '../model/chunk.js';
import type { ResolvedConfig } from '../model/config.js';
import type { BaselineEntry, Finding } from '../model/finding.js';
import type { ScanOutcome, ScanStats, Skipped } from '../model/outcome.js';
import type { CompiledPack } from '../model/rule.js';
import type { ScanSink, Source } from '../model/source.js';
import { allTargets, targetCount } from '../sources/target-set.js';
import type { ParallelPlan } from './collect-parallel.js';

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

/** Collects what a source reads on this thread: each chunk goes to the engine as it arrives. */
export function collectingSink(
  setup: Pick<ScanSetup, 'pack' | 'config' | 'collector'>,
  into: { found: Finding[]; skipped: Skipped[]; stats: ScanStats },
): ScanSink {
  const allow = setup.config.engineAllow;
  return {
    chunk(chunk) {
      into.stats.chunks++;
      for (const f of detectChunk(chunk, setup.pack, allow, setup.collector)) into.found.push(f);
    },
    skip(skipped) {
      into.skipped.push(skipped);
    },
    read(bytes) {
      into.stats.files++;
      into.stats.bytes += bytes;
    },
  };
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
  const into = { found, skipped, stats };
  // Workers started early compile the packs while the files are listed.
  if (parallel?.pool !== undefined) {
    const { workerSetup } = await import('./collect-parallel.js');
    parallel.pool.prepare(workerSetup(parallel, setup));
  }
  const listed = parallel === undefined ? undefined : await source.targets?.();
  if (
    parallel !== undefined &&
    listed !== undefined &&
    targetCount(listed.targets) >= parallel.minFiles
  ) {
    // Imported here, so worker_threads never loads on the pre-commit path.
    const { scanInParallel } = await import('./collect-parallel.js');
    for (const s of listed.skipped) skipped.push(s);
    await scanInParallel(listed.targets, parallel, setup, into);
    // Git's untracked files, listed meanwhile (usually few): read on this thread.
    let later = await listed.later;
    if (later !== undefined) {
      const { ContentReader } = await import('../sources/content-reader.js');
      const reader = new ContentReader({ ...parallel.read, source: 'tree' });
      const sink = collectingSink(setup, into);
      while (later !== undefined) {
        for (const s of later.skipped) skipped.push(s);
        reader.readTargetNames(later.targets, sink);
        await reader.readFiles(allTargets(later.targets), sink);
        later = await later.later;
      }
    }
  } else {
    // Workers started early for a tree that turned out small (or not listable) are not needed.
    parallel?.pool?.close();
    await source.read(collectingSink(setup, into));
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
