import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { ACTION_BUNDLE, actionBuildOptions, REPO_ROOT } from '../../scripts/action-bundle.mjs';

describe('action/main.mjs (the committed bundle GitHub runs)', () => {
  it('is what `npm run build:action` makes from the current sources', async () => {
    const result = await build({
      ...(actionBuildOptions as object),
      outfile: join(REPO_ROOT as string, ACTION_BUNDLE as string),
      write: false,
    });
    const fresh = result.outputFiles[0]?.text ?? '';
    const committed = readFileSync(join(REPO_ROOT as string, ACTION_BUNDLE as string), 'utf8');
    expect(fresh.length).toBeGreaterThan(1000);
    // On failure: run `npm run build:action` and commit action/main.mjs.
    expect(committed === fresh, 'action/main.mjs is stale: run npm run build:action').toBe(true);
  });

  it('is what action.yml runs, on node24', () => {
    const yml = readFileSync(join(REPO_ROOT as string, 'action.yml'), 'utf8');
    expect(yml).toMatch(/^\s+using: node24$/m);
    expect(yml).toMatch(new RegExp(`^\\s+main: ${ACTION_BUNDLE as string}$`, 'm'));
  });
});
