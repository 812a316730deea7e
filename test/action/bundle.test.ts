import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ACTION_BUNDLE, actionBuildOptions, REPO_ROOT } from '../../scripts/action-bundle.mjs';

describe('action/main.mjs (the committed bundle GitHub runs)', () => {
  it('is what `npm run build:action` makes from the current sources', async () => {
    const result = await build({
      ...actionBuildOptions,
      outfile: join(REPO_ROOT, ACTION_BUNDLE),
      write: false,
    });
    const fresh = result.outputFiles[0]?.text ?? '';
    const committed = readFileSync(join(REPO_ROOT, ACTION_BUNDLE), 'utf8');
    expect(fresh.length).toBeGreaterThan(1000);
    // On failure: run `npm run build:action` and commit action/main.mjs.
    expect(committed === fresh, 'action/main.mjs is stale: run npm run build:action').toBe(true);
  });

  it('is what action.yml runs, on node24', () => {
    const yml = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
    expect(yml).toMatch(/^\s+using: node24$/m);
    expect(yml).toMatch(new RegExp(`^\\s+main: ${ACTION_BUNDLE}$`, 'm'));
  });
});
