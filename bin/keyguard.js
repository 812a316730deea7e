#!/usr/bin/env node
// CommonJS (bin/package.json): the pre-commit path then never starts Node's ES module loader.
'use strict';

const command = process.argv[2];
// The two commands that run most often on small inputs (the pre-commit gate, a tree scan) load one
// CommonJS bundle with a code cache: the split ES module CLI costs more to load than they take.
if (command === 'staged' || command === 'tree') require('../dist/staged.cjs');
// Answered here: tools ask for the version often, and it needs none of the CLI.
else if (command === '--version' || command === '-V' || command === 'version')
  process.stdout.write(`${require('../package.json').version}\n`);
else {
  // Node >= 22.1 caches compiled code between runs (in keyguard's private folder); not on Node 20.
  require('../dist/compile-cache.cjs');
  import('../dist/cli.js');
}
