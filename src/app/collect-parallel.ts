import { Worker } from 'node:worker_threads';
import type { EngineAllowlist } from '../model/config.js';
import type { Finding } from '../model/finding.js';
import type { Skipped } from '../model/outcome.js';
import type { FileTarget } from '../model/source.js';
import type { LoadedSetup } from './create-scan-setup.js';

/** How to scan files on worker threads; the CLI decides (the worker script ships in dist/). */
export interface ParallelPlan extends Pick<LoadedSetup, 'packSources' | 'compileOptions'> {
  readonly workerScript: string;
  readonly jobs: number;
  /** `--jobs` given explicitly: use workers whatever the size of the tree. */
  readonly force: boolean;
  readonly maxFileSize: number;
}

const BATCH = 48;

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
}

export interface WorkerInit {
  readonly plan: Omit<ParallelPlan, 'workerScript' | 'jobs' | 'force'>;
  readonly allow: AllowlistData;
}

/** What a worker answers for one batch (an accumulator while it works). */
export interface BatchResult {
  readonly found: Finding[];
  readonly skipped: Skipped[];
  files: number;
  bytes: number;
}

export interface Collected extends BatchResult {
  readonly chunks: number;
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
  };
}

export function allowlistFromData(data: AllowlistData): EngineAllowlist {
  const regex = (r: RegexData) => ({
    regex: new RegExp(r.source, r.flags),
    entry: r.entry,
    reason: r.reason,
  });
  return {
    hashes: new Map(data.hashes),
    secretRegexes: data.secretRegexes.map(regex),
    lineRegexes: data.lineRegexes.map(regex),
  };
}

/** Worker threads that read and scan batches of files. */
export interface WorkerPool {
  /** Scans the targets on the pool's workers, then ends them. */
  run(targets: readonly FileTarget[]): Promise<Collected>;
  /** Ends every worker (idempotent). */
  close(): void;
}

/**
 * Starts `jobs` worker threads; each compiles the same packs from the same specs. Errors during
 * start-up are kept and surface when the pool runs. Batches are handed out as workers free up
 * (files differ wildly in size); findings come back redacted, raw values stay in the workers.
 */
export function startWorkerPool(plan: ParallelPlan, allow: EngineAllowlist): WorkerPool {
  const init: WorkerInit = {
    plan: {
      maxFileSize: plan.maxFileSize,
      packSources: plan.packSources,
      compileOptions: plan.compileOptions,
    },
    allow: allowlistToData(allow),
  };
  const workers = Array.from({ length: Math.max(1, plan.jobs) }, () => {
    const worker = new Worker(plan.workerScript, { workerData: init });
    const slot: { worker: Worker; error?: Error } = { worker };
    worker.on('error', (error) => {
      slot.error = error;
    });
    return slot;
  });
  return {
    close() {
      for (const w of workers) void w.worker.terminate();
    },
    run(targets) {
      const total: BatchResult = { found: [], skipped: [], files: 0, bytes: 0 };
      let next = 0;
      const takeBatch = (): FileTarget[] => {
        const batch = targets.slice(next, next + BATCH);
        next += batch.length;
        return batch;
      };
      const drive = ({ worker, error }: { worker: Worker; error?: Error }): Promise<void> =>
        new Promise((resolvePromise, reject) => {
          if (error !== undefined) {
            reject(error);
            return;
          }
          const feed = (): void => {
            const batch = takeBatch();
            if (batch.length === 0) void worker.terminate().then(() => resolvePromise());
            else worker.postMessage(batch);
          };
          worker.on('message', (result: BatchResult) => {
            total.found.push(...result.found);
            total.skipped.push(...result.skipped);
            total.files += result.files;
            total.bytes += result.bytes;
            feed();
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0 && next < targets.length)
              reject(new Error(`scan worker exited with code ${code}`));
          });
          feed();
        });
      return Promise.all(workers.map(drive)).then(() => ({ ...total, chunks: total.files }));
    },
  };
}
