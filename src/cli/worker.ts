import { parentPort } from 'node:worker_threads';
import {
  allowlistFromData,
  BATCH,
  revivedTargets,
  type WorkerInit,
  type WorkerResult,
} from '../app/collect-parallel.js';
import { packByteFilter } from '../app/create-scan-setup.js';
import { collectingSink } from '../app/run-scan.js';
import type { ResolvedConfig } from '../model/config.js';
import { isBuiltinPack } from '../rules/builtin-pack.js';
import { compilePacks } from '../rules/compile-pack.js';
import { loadUserRegexEngine } from '../schema/user-regex-engine.js';
import { prepareByteScanner } from '../sources/byte-scan.js';
import { ContentReader } from '../sources/content-reader.js';
import { targetCount, targetsIn } from '../sources/target-set.js';

// A scan worker: compiles the same packs as the main thread, then takes batches of files from the
// shared counter until none are left, and answers once with redacted findings, skips and counts.
// It may start before the files are listed: its work arrives as one message. The scanner's
// WebAssembly compiles meanwhile.
prepareByteScanner();
const init = await new Promise<WorkerInit>((resolve) => {
  parentPort?.once('message', resolve);
});
// User packs and config regexes run on the linear-time engine, loaded per thread, and only for
// them: parsing it costs a worker more than its first batch of files.
const allow = init.allow;
if (
  init.packSources.some((s) => !isBuiltinPack(s.spec)) ||
  allow.secretRegexes.length > 0 ||
  allow.lineRegexes.length > 0
)
  await loadUserRegexEngine();
const pack = compilePacks(init.packSources, init.compileOptions);
const config = {
  engineAllow: allowlistFromData(init.allow),
} as Pick<ResolvedConfig, 'engineAllow'> as ResolvedConfig;
const reader = new ContentReader({ ...init.read, filter: packByteFilter(pack), source: 'tree' });
const result: WorkerResult = {
  found: [],
  skipped: [],
  stats: { files: 0, bytes: 0, chunks: 0, durationMs: 0 },
};
const sink = collectingSink({ pack, config }, result);
const next = new Int32Array(init.counter);
const targets = revivedTargets(init.targets);
const count = targetCount(targets);
async function work(): Promise<void> {
  for (let at = Atomics.add(next, 0, BATCH); at < count; at = Atomics.add(next, 0, BATCH)) {
    await reader.readFiles(targetsIn(targets, at, at + BATCH), sink);
  }
  parentPort?.postMessage(result);
}

// A failure ends the worker with an 'error' the main thread turns into a failed scan.
void work().catch((error: unknown) => {
  throw error;
});
