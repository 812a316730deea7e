// The programmatic API: the one barrel file.
export { createScanSetup } from './app/create-scan-setup.js';
export { runScan } from './app/run-scan.js';
export { detectChunk } from './engine/detect.js';
export type { Chunk } from './model/chunk.js';
export { KeyguardError } from './model/errors.js';
export type { Finding, Location, Severity } from './model/finding.js';
export type { ScanOutcome } from './model/outcome.js';
export { createStdinSource } from './sources/stdin-source.js';
export { createTreeSource } from './sources/tree-source.js';
