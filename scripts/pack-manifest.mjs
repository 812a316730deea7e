// The package.json that ships. `prepare` is for this repository only: it activates husky in a
// clone and builds dist/ for an install from git (the pre-commit framework installs hooks that
// way). In a packed package it would point at scripts/, which does not ship, and npm lists it as
// an install script to approve. `prepack` runs `strip` (the manifest without `prepare`, the
// original kept beside it) and `postpack` runs `restore`; a pack that failed in between is
// restored by the next strip.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const MANIFEST = 'package.json';
const KEPT = 'package.json.keyguard-pack';

function restore() {
  if (existsSync(KEPT)) renameSync(KEPT, MANIFEST);
}

const mode = process.argv[2];
if (mode === 'restore') {
  restore();
} else if (mode === 'strip') {
  restore();
  const text = readFileSync(MANIFEST, 'utf8');
  const pkg = JSON.parse(text);
  if (pkg.scripts?.prepare !== undefined) {
    writeFileSync(KEPT, text);
    delete pkg.scripts.prepare;
    writeFileSync(MANIFEST, `${JSON.stringify(pkg, null, 2)}\n`);
  }
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
