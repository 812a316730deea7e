import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import type { EngineAllowlist } from '../model/config.js';
import type { Finding } from '../model/finding.js';
import type { ScanStats, Skipped } from '../model/outcome.js';
import type { FileTarget, TargetSet } from '../model/source.js';
import { LinearRegExp } from '../schema/linear-regexp.js';
import { ContentReader, type ReaderOptions } from '../sources/content-reader.js';
import { targetCount, targetsIn } from '../sources/target-set.js';
import type { LoadedSetup } from './create-scan-setup.js';
import { collectingSink, type ScanSetup } from './run-scan.js';

/**
 * Worker threads started before they have work: a worker's start (Node's own modules, ours, the
 * scanner's WebAssembly) takes as long as listing a large tree, so the two overlap. Each waits for
 * its WorkerSetup message, compiles, then waits for its WorkerWork. Unreferenced until given work: an idle worker never keeps the process.
 */
export interface WorkerPool {
  readonly workers: readonly PooledWorker[];
  /**
   * Hands every worker what it compiles (packs, allowlist, reader options), once: posted as soon
   * as the config is loaded, so the workers compile while the files are still being listed.
   */
  prepare(setup: WorkerSetup): void;
  /** Ends every worker (idempotent): the plan changed, or the scan failed before using them. */
  close(): void;
}

export interface PooledWorker {
  readonly worker: Worker;
  /** Rejects when the worker fails or exits: watched from its start, so nothing is missed. */
  readonly ended: Promise<never>;
}

export function startWorkers(
  workerScript: string,
  count: number,
  argv: readonly string[] = [],
): WorkerPool {
  // Loaded here, not at the top: the hook and small trees never start a worker, and node's
  // worker modules are five more to compile at every start.
  const { Worker } = createRequire(import.meta.url)(
    'node:worker_threads',
  ) as typeof import('node:worker_threads');
  const workers = Array.from({ length: Math.max(0, count) }, (): PooledWorker => {
    const worker = new Worker(workerScript, { argv: [...argv] });
    worker.unref();
    const ended = new Promise<never>((_, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`scan worker exited with code ${code} before answering`));
      });
    });
    // Settled later (or never looked at, when the pool closes unused).
    ended.catch(() => undefined);
    return { worker, ended };
  });
  let closed = false;
  let prepared = false;
  return {
    workers,
    prepare(setup) {
      if (prepared) return;
      prepared = true;
      for (const w of workers) w.worker.postMessage(setup);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of workers) void w.worker.terminate();
    },
  };
}

/** How to scan files on several threads; the CLI decides (the worker script ships in dist/). */
export interface ParallelPlan extends Pick<LoadedSetup, 'packSources' | 'compileOptions'> {
  readonly workerScript: string;
  /** Arguments for the worker entry (the hook bundle's loader runs a worker only when told). */
  readonly workerArgv?: readonly string[];
  /** Workers started early (see WorkerPool); otherwise they start when the files are listed. */
  readonly pool?: WorkerPool;
  /** Threads in all, this one included. */
  readonly jobs: number;
  /** Fewer files than this are read on this thread alone. */
  readonly minFiles: number;
  readonly read: Omit<ReaderOptions, 'source'>;
}

/** Files taken from the shared counter at a time: small enough to even out, large enough to be cheap. */
export const BATCH = 64;

interface RegexData {
  readonly source: string;
  readonly flags: string;
  readonly entry: string;
  readonly reason: string;
}

/** The engine allowlist as plain data a worker can receive (RegExps and Maps do not clone). */
export interface AllowlistData {
  readonly hashes: readonly (readonly [string, string])[];
  readonly secretRegexes: readonly RegexData[];
  readonly lineRegexes: readonly RegexData[];
  readonly hashing?: {
    readonly key?: string;
    readonly legacy?: readonly (readonly [string, string])[];
  };
  readonly otherMarkers?: boolean;
}

/** A worker's first message: what it compiles before any file is listed. */
export interface WorkerSetup {
  readonly packSources: LoadedSetup['packSources'];
  readonly compileOptions: LoadedSetup['compileOptions'];
  readonly read: Omit<ReaderOptions, 'source' | 'filter'>;
  readonly allow: AllowlistData;
}

/** A worker's second message: the files, and where the threads stand in them. */
export interface WorkerWork {
  /** Packed names cross as typed arrays (one copy each), not one clone per file. */
  readonly targets: TargetSet;
  /** One Int32: the index of the next file to take, shared by every thread. */
  readonly counter: SharedArrayBuffer;
}

/** What a pool's workers compile, from the plan and the scan's setup. */
export function workerSetup(plan: ParallelPlan, setup: ScanSetup): WorkerSetup {
  const { filter: _filter, ...read } = plan.read;
  return {
    packSources: plan.packSources,
    compileOptions: plan.compileOptions,
    read,
    allow: allowlistToData(setup.config.engineAllow),
  };
}

/** What a worker answers when the counter runs out. */
export interface WorkerResult {
  readonly found: Finding[];
  readonly skipped: Skipped[];
  readonly stats: ScanStats;
}

export function allowlistToData(allow: EngineAllowlist): AllowlistData {
  const regex = (r: EngineAllowlist['secretRegexes'][number]): RegexData => ({
    source: r.regex.source,
    flags: r.regex.flags,
    entry: r.entry,
    reason: r.reason,
  });
  return {
    hashes: [...allow.hashes],
    secretRegexes: allow.secretRegexes.map(regex),
    lineRegexes: allow.lineRegexes.map(regex),
    ...(allow.hashing === undefined
      ? {}
      : {
          hashing: {
            ...(allow.hashing.key === undefined ? {} : { key: allow.hashing.key }),
            ...(allow.hashing.legacy === undefined ? {} : { legacy: [...allow.hashing.legacy] }),
          },
        }),
    ...(allow.otherMarkers === undefined ? {} : { otherMarkers: allow.otherMarkers }),
  };
}

export function allowlistFromData(data: AllowlistData): EngineAllowlist {
  // Config regexes: the user's, so on the linear-time engine here too (loaded by the worker).
  const regex = (r: RegexData) => ({
    regex: new LinearRegExp(r.source, r.flags),
    entry: r.entry,
    reason: r.reason,
  });
  return {
    hashes: new Map(data.hashes),
    secretRegexes: data.secretRegexes.map(regex),
    lineRegexes: data.lineRegexes.map(regex),
    ...(data.hashing === undefined
      ? {}
      : {
          hashing: {
            ...(data.hashing.key === undefined ? {} : { key: data.hashing.key }),
            ...(data.hashing.legacy === undefined ? {} : { legacy: new Map(data.hashing.legacy) }),
          },
        }),
    ...(data.otherMarkers === undefined ? {} : { otherMarkers: data.otherMarkers }),
  };
}

/** A target set as a worker received it: Buffer paths arrive as plain Uint8Arrays. */
export function revivedTargets(set: TargetSet): TargetSet {
  const revive = (t: FileTarget): FileTarget =>
    typeof t.abs === 'string' || Buffer.isBuffer(t.abs)
      ? t
      : {
          ...t,
          abs: Buffer.from(
            (t.abs as Uint8Array).buffer,
            (t.abs as Uint8Array).byteOffset,
            (t.abs as Uint8Array).length,
          ),
        };
  return { files: set.files.map(revive), packs: set.packs };
}

/**
 * Reads and scans files on this thread and `jobs - 1` workers: every thread takes the next batch
 * of files from one shared counter until none are left (files differ wildly in size), and only
 * findings (redacted), skips and counts come back. This thread starts at once, so a worker's
 * start-up is never waited for.
 */
export async function scanInParallel(
  targets: TargetSet,
  plan: ParallelPlan,
  setup: ScanSetup,
  into: { found: Finding[]; skipped: Skipped[]; stats: ScanStats },
): Promise<void> {
  const counter = new SharedArrayBuffer(4);
  const next = new Int32Array(counter);
  const work: WorkerWork = { targets, counter };
  const pool = plan.pool ?? startWorkers(plan.workerScript, plan.jobs - 1, plan.workerArgv);
  pool.prepare(workerSetup(plan, setup));
  const workers = pool.workers.map(({ worker, ended }) => {
    worker.ref();
    worker.postMessage(work);
    const answered = new Promise<WorkerResult>((resolve) => {
      worker.once('message', (result: WorkerResult) => {
        resolve(result);
        void worker.terminate();
      });
    });
    return Promise.race([answered, ended]);
  });
  // Settled later; a failure here must not become an unhandled rejection meanwhile.
  for (const w of workers) w.catch(() => undefined);
  const reader = new ContentReader({ ...plan.read, source: 'tree' });
  const sink = collectingSink(setup, into);
  // The names of every file, in one search here, while the workers read the contents.
  reader.readTargetNames(targets, sink);
  const count = targetCount(targets);
  for (let at = Atomics.add(next, 0, BATCH); at < count; at = Atomics.add(next, 0, BATCH)) {
    await reader.readFiles(targetsIn(targets, at, at + BATCH), sink);
  }
  for (const result of await Promise.all(workers)) {
    for (const f of result.found) into.found.push(f);
    for (const s of result.skipped) into.skipped.push(s);
    into.stats.files += result.stats.files;
    into.stats.bytes += result.stats.bytes;
    into.stats.chunks += result.stats.chunks;
  }
}
