// Scores the detection corpus (fixtures/corpus): recall and precision per category, through the
// real reader and engine. The scorer is TypeScript (test/helpers/score-corpus.ts): esbuild bundles
// it into a temporary file first. Usage: npm run score [-- --verbose]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'keyguard-score-'));
try {
  const outfile = join(dir, 'score.mjs');
  await build({
    entryPoints: [join(root, 'test/helpers/score-corpus.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
    // import.meta.url must keep pointing into the repository (the corpus is found from it).
    define: {
      'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'test/helpers/x.ts')).href),
    },
  });
  const { scoreCorpus } = await import(pathToFileURL(outfile).href);
  console.log(scoreCorpus(process.argv.includes('--verbose')));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
