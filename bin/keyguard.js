#!/usr/bin/env node
// CommonJS (bin/package.json): the pre-commit path then never starts Node's ES module loader.
'use strict';

// Node >= 22.1 caches compiled code between runs; a no-op on Node 20.
require('node:module').enableCompileCache?.();
if (process.argv[2] === 'staged') require('../dist/staged.cjs');
else import('../dist/cli.js');
