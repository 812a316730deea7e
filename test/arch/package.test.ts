import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('the published package', () => {
  it('declares no runtime dependencies: dist/ is self-contained', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('dist/ loads nothing from node_modules (npm installs no dependency for it)', () => {
    const builtins = new Set(builtinModules);
    const outside = new Set<string>();
    for (const file of files(DIST).filter((f) => /\.(c?js)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:require\(|from |import\()"([^"]+)"/g)) {
        const spec = m[1] ?? '';
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        outside.add(spec);
      }
    }
    expect([...outside].sort()).toEqual([]);
  });
});
