import process from 'node:process';
import {
  allowlistFromData,
  BATCH,
  revivedTargets,
  type WorkerResult,
  type WorkerSetup,
  type WorkerWork,
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

/**
 * A scan worker: compiles the same packs as the main thread, then takes batches of files from the
 * shared counter until none are left, and answers once with redacted findings, skips and counts.
 * It may start before the config is read and the files are listed: what it compiles arrives as
 * one message, the files as a second. The scanner's WebAssembly compiles meanwhile.
 */
export async function runScanWorker(): Promise<void> {
  // Required here, not at the top: the bundle that holds this also runs the pre-commit gate,
  // which never starts a worker.
  const { parentPort } = await import('node:worker_threads');
  if (parentPort === null) {
    // Run by hand (`node dist/staged.cjs --keyguard-scan-worker`): there is no work to wait for.
    process.stderr.write(
      "keyguard: '--keyguard-scan-worker' is for keyguard's own worker threads\n",
    );
    process.exitCode = 2;
    return;
  }
  prepareByteScanner();
  // One listener for the worker's life: a message that arrives while it compiles waits here.
  const inbox: unknown[] = [];
  let waiting: ((message: unknown) => void) | undefined;
  parentPort.on('message', (message: unknown) => {
    if (waiting === undefined) inbox.push(message);
    else waiting(message);
    waiting = undefined;
  });
  const receive = <T>() =>
    new Promise<T>((resolve) => {
      if (inbox.length > 0) resolve(inbox.shift() as T);
      else waiting = resolve as (message: unknown) => void;
    });
  const init = await receive<WorkerSetup>();
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
  const work = await receive<WorkerWork>();
  const next = new Int32Array(work.counter);
  const targets = revivedTargets(work.targets);
  const count = targetCount(targets);
  for (let at = Atomics.add(next, 0, BATCH); at < count; at = Atomics.add(next, 0, BATCH)) {
    await reader.readFiles(targetsIn(targets, at, at + BATCH), sink);
  }
  parentPort.postMessage(result);
}
