import process from 'node:process';
import { runStaged } from './commands/staged.js';
import { processIo, runProcess } from './run-process.js';

/**
 * The pre-commit gate's own entry, built as one CommonJS file (dist/staged-scan.cjs, run by the
 * dist/staged.cjs loader): Node's start is most of a hook's time, and loading one script skips the
 * ES module loader and the two dozen chunks the full CLI is split into. bin/keyguard.js sends
 * `keyguard staged` here.
 */
runProcess(() => runStaged(processIo(process.argv.slice(3))));
