// Bundles the CLI: an ES module entry split into chunks that load on demand, and the pre-commit
// gate as one CommonJS file (see docs/design.md, "Start-up").
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// Stale chunks from earlier builds would ship otherwise.
rmSync('dist', { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20.19', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: {
    cli: 'src/cli/main.ts',
    index: 'src/index.ts',
    worker: 'src/cli/worker.ts',
  },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (ajv) call require(); give them one.
  banner: {
    js: "import { createRequire as __kgCreateRequire } from 'node:module'; const require = __kgCreateRequire(import.meta.url);",
  },
});

const commonJs = {
  ...common,
  format: 'cjs',
  // require(), not import(), for the hand-over: import() would start the ES module loader.
  supported: { 'dynamic-import': false },
  // import.meta.url (worker.js lookup) means this file's URL in CommonJS too.
  define: { 'import.meta.url': '__kgModuleUrl' },
  // "use strict" first: a banner line before esbuild's own directive would make it a plain string.
  banner: {
    js: "'use strict';\nconst __kgModuleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
};

// Every other command: Node's compile cache (>= 22.1) in keyguard's private folder.
await build({
  ...commonJs,
  entryPoints: { 'compile-cache': 'src/cli/compile-cache-main.ts' },
  outfile: 'dist/compile-cache.cjs',
});

/**
 * What the hook seldom needs stays out of its bundle, in files of their own loaded on first use:
 * the archive readers (an archive staged), the linear-time regex engine (a user pattern). The hook
 * then reads, hashes and compiles a third of the bytes on every commit.
 */
const LAZY = [
  { filter: /^re2js$/, entry: 're2js', out: 'vendor-re2js' },
  {
    filter: /^@eslint-community\/regexpp$/,
    entry: '@eslint-community/regexpp',
    out: 'vendor-regexpp',
  },
  {
    filter: /[\\/]archive[\\/]expand-archive\.js$/,
    entry: 'src/sources/archive/expand-archive.ts',
    out: 'archive',
  },
];
const lazyOutside = {
  name: 'lazy-outside',
  setup(b) {
    for (const l of LAZY)
      b.onResolve({ filter: l.filter }, () => ({ path: `./${l.out}.cjs`, external: true }));
  },
};
for (const l of LAZY) {
  await build({ ...commonJs, entryPoints: { [l.out]: l.entry }, outfile: `dist/${l.out}.cjs` });
}

/**
 * The hook bundle is read into a string on every run: pure ASCII makes that a one-byte string (no
 * UTF-8 decoding, half the bytes to hash and hand to V8). esbuild escapes every non-ASCII
 * character in code (its default charset), so the only ones left are in the comments it keeps;
 * those become '?'. A line that does not start as a comment is left as it is (slower, not wrong).
 */
function asciiComments(file) {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) =>
      NON_ASCII.test(line) && COMMENT.test(line) ? line.replace(NON_ASCII_ALL, '?') : line,
    );
  writeFileSync(file, lines.join('\n'));
}
// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, written out
const NON_ASCII = /[^\x00-\x7f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range, written out
const NON_ASCII_ALL = /[^\x00-\x7f]/g;
const COMMENT = /^\s*(\/\/|\/\*|\*)/;

await build({
  ...commonJs,
  entryPoints: { 'staged-scan': 'src/cli/staged-main.ts' },
  outfile: 'dist/staged-scan.cjs',
  plugins: [lazyOutside],
  metafile: true,
}).then(({ metafile }) => {
  // Guard the point of this bundle: the hook runs the same pipeline as every other mode, with
  // schemas compiled at build time; nothing heavy that only other commands need is inlined.
  const inputs = Object.keys(metafile.inputs);
  const heavy = inputs.filter((p) =>
    /node_modules[\\/](ajv[\\/]|fast-glob|re2js|@eslint-community|yauzl|tar-stream)/.test(p),
  );
  if (heavy.length > 0) throw new Error(`dist/staged-scan.cjs must not bundle ${heavy.join(', ')}`);
});
asciiComments('dist/staged-scan.cjs');

// `keyguard staged` and `tree`: a small loader that runs the hook bundle with a V8 code cache. The
// bundle's hash is written into it here, so that no run has to load node:crypto to name its cache.
await build({
  ...commonJs,
  entryPoints: { staged: 'src/cli/staged-loader.ts' },
  outfile: 'dist/staged.cjs',
  define: {
    ...commonJs.define,
    KEYGUARD_BUNDLE_SHA256: JSON.stringify(
      createHash('sha256').update(readFileSync('dist/staged-scan.cjs')).digest('hex'),
    ),
  },
});
