// Bundles the CLI into one ESM file so start-up loads a single module.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
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
