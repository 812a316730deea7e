#!/usr/bin/env node
import module from 'node:module';

// Node >= 22.1 caches compiled code between runs; a no-op on Node 20.
module.enableCompileCache?.();
await import('../dist/cli.js');
