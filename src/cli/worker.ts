import { parentPort, workerData } from 'node:worker_threads';
import { allowlistFromData, type BatchResult, type WorkerInit } from '../app/collect-parallel.js';
import { createBytePrefilter } from '../app/create-scan-setup.js';
import { detectChunk } from '../engine/detect.js';
import type { FileTarget } from '../model/source.js';
import { compilePacks } from '../rules/compile-pack.js';
import { readFileItem } from '../sources/read-file-item.js';

// A scan worker: compiles the same packs as the main thread, then reads and scans each batch of
// files it is sent, answering with redacted findings and skip records.
const init = workerData as WorkerInit;
const pack = compilePacks(init.plan.packSources, init.plan.compileOptions);
const allow = allowlistFromData(init.allow);
const mayMatch = createBytePrefilter(pack);
const read = {
  source: 'tree' as const,
  maxFileSize: init.plan.maxFileSize,
  ...(mayMatch === undefined ? {} : { mayMatch }),
};

parentPort?.on('message', (batch: FileTarget[]) => {
  const result: BatchResult = { found: [], skipped: [], files: 0, bytes: 0 };
  for (const target of batch) {
    const item = readFileItem(target.abs, target.path, read);
    if (item === undefined) continue;
    if ('skipped' in item) {
      result.skipped.push(item.skipped);
      continue;
    }
    result.files++;
    result.bytes += item.chunk.size ?? 0;
    if (item.chunk.text.length > 0) result.found.push(...detectChunk(item.chunk, pack, allow));
  }
  parentPort?.postMessage(result);
});
