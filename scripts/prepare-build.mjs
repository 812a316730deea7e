// npm's `prepare` step after husky: builds dist/, which installs from git need (npm runs prepare,
// not prepack, for a git dependency; the pre-commit framework installs hooks that way).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function canBuild() {
  try {
    require.resolve('esbuild');
    return true;
  } catch {
    return false;
  }
}

function run(args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!canBuild()) {
  if (process.env.npm_config_global !== 'true' || process.env.npm_execpath === undefined) {
    // `npm ci --omit=dev` in a clone: nothing to build with, and nothing asked for a build.
    console.warn(
      'keyguard: esbuild is not installed; dist/ not built (run npm ci, then npm run build)',
    );
    process.exit(0);
  }
  // `npm install -g git+…` (pre-commit 4) prepares the clone with the global flag still set, so its
  // devDependencies went to the global prefix instead of here. Install them here, then build.
  run([
    process.env.npm_execpath,
    'install',
    '--global=false',
    '--include=dev',
    '--no-save',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
  ]);
}
run(['scripts/build.mjs']);
