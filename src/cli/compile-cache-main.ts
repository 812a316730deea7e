import process from 'node:process';
import { enableNodeCompileCache } from './code-cache.js';

// Every command but `staged` (whose loader does the same) starts here before the CLI loads: Node's
// compile cache, where Node has one, in keyguard's private cache folder rather than the shared
// temporary folder another user could have prepared.
enableNodeCompileCache(process.env);
