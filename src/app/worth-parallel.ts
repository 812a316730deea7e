import { lstatSync } from 'node:fs';
import type { FileTarget } from '../model/source.js';

/** Below this much content a worker's start-up (~30-50 ms) costs more than it saves. */
const PARALLEL_MIN_BYTES = 24 * 1024 * 1024;

/** Whether the targets hold enough bytes to be worth worker threads (stops counting once they do). */
export function worthParallel(targets: readonly FileTarget[]): boolean {
  let bytes = 0;
  for (const t of targets) {
    try {
      bytes += lstatSync(t.abs).size;
    } catch {
      // The reader reports missing files; they add nothing here.
    }
    if (bytes >= PARALLEL_MIN_BYTES) return true;
  }
  return false;
}
