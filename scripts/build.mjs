// Bundles the CLI into one ESM file so start-up loads a single module.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Stale chunks from earlier builds would ship otherwise.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', worker: 'src/cli/worker.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  sourcemap: false,
  minify: false,
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (ajv, simple-git) call require(); give them one.
  banner: {
    js: "import { createRequire as __kgCreateRequire } from 'node:module'; const require = __kgCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
