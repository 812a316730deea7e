#!/usr/bin/env node
// CommonJS (bin/package.json): the pre-commit path then never starts Node's ES module loader.
'use strict';

const command = process.argv[2];
if (command === 'staged') require('../dist/staged.cjs');
// Answered here: tools ask for the version often, and it needs none of the CLI.
else if (command === '--version' || command === '-V' || command === 'version')
  process.stdout.write(`${require('../package.json').version}\n`);
else {
  // Node >= 22.1 caches compiled code between runs (in keyguard's private folder); not on Node 20.
  require('../dist/compile-cache.cjs');
  import('../dist/cli.js');
}
