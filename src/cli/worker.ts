import { runScanWorker } from './scan-worker.js';

// The ES module worker entry (dist/worker.js), for commands the split CLI runs. A failure ends
// the worker with an 'error' the main thread turns into a failed scan.
void runScanWorker().catch((error: unknown) => {
  throw error;
});
