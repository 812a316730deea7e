// Bundles the GitHub Action into action/main.mjs, which is committed: run after changing src/.
import { build } from 'esbuild';
import { ACTION_BUNDLE, actionBuildOptions } from './action-bundle.mjs';

await build({ ...actionBuildOptions, outfile: ACTION_BUNDLE });
