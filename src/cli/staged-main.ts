import process from 'node:process';
import type { Command } from './command-io.js';
import { runStaged } from './commands/staged.js';
import { runTree } from './commands/tree.js';
import { processIo, runProcess } from './run-process.js';

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

const command = ENTRIES[process.argv[2] ?? ''] ?? runStaged;
runProcess(() => command(processIo(process.argv.slice(3))));
