import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import type { Command, CommandIo } from './command-io.js';
import { runStaged } from './commands/staged.js';
import { runTree } from './commands/tree.js';
import { processIo, runProcess } from './run-process.js';
import { runScanWorker } from './scan-worker.js';
import { SCAN_WORKER_ARG } from './scan-worker-arg.js';

/**
 * The entry of the two commands whose whole run is often shorter than loading the split CLI: the
 * pre-commit gate (`keyguard staged`, on every commit) and `keyguard tree` (CI jobs, small
 * projects, the dogfood run). Built as one CommonJS file (dist/staged-scan.cjs, run by the
 * dist/staged.cjs loader with a code cache): loading one script skips the ES module loader and the
 * three dozen chunks the full CLI is split into. The two share every module of the pipeline, so
 * serving both from one bundle adds only the tree command's own few KB. bin/keyguard.js sends
 * both commands here.
 */
const ENTRIES: Readonly<Record<string, Command>> = { staged: runStaged, tree: runTree };

/** The loader beside this bundle (dist/staged.cjs): workers start from it, not from dist/worker.js. */
function bundleIo(io: CommandIo): CommandIo {
  if (io.workerScript === undefined) return io;
  const loader = join(dirname(io.workerScript), 'staged.cjs');
  return existsSync(loader) ? { ...io, workerScript: loader, workerArgv: [SCAN_WORKER_ARG] } : io;
}

// `tree`'s worker threads run this same bundle, through the same loader and code cache.
if (process.argv[2] === SCAN_WORKER_ARG) {
  void runScanWorker().catch((error: unknown) => {
    throw error;
  });
} else {
  const command = ENTRIES[process.argv[2] ?? ''] ?? runStaged;
  // Only tree starts workers: the pre-commit gate is spared even the look for the loader.
  const io = () => processIo(process.argv.slice(3));
  runProcess(() => command(command === runTree ? bundleIo(io()) : io()));
}
