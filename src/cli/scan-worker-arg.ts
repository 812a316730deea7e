/**
 * The argument a tree scan's worker threads get when they start from the hook bundle's loader
 * (dist/staged.cjs): the bundle then runs a scan worker instead of a command. A module of its own,
 * so the loader knows it without loading the worker.
 */
export const SCAN_WORKER_ARG = '--keyguard-scan-worker';
