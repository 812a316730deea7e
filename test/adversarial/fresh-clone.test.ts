import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 10, "fresh clone passes": `npm test` on a fresh clone needs nothing outside the
// repository (eight tests once read the SARIF schema from a sibling folder). Every path a test
// builds from its own location must stay inside the repository.

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? files(join(dir, e.name))
      : /\.(ts|mjs|js)$/.test(e.name)
        ? [join(dir, e.name)]
        : [],
  );
}

describe('tests stand alone', () => {
  const sources = files(join(ROOT, 'test')).map((f) => ({ f, text: readFileSync(f, 'utf8') }));

  it('every path built from a test file’s own folder resolves inside the repository', () => {
    const outside: string[] = [];
    let checked = 0;
    for (const { f, text } of sources) {
      // resolve(import.meta.dirname, '../..', 'x') and join(import.meta.dirname, …) with literals.
      for (const m of text.matchAll(
        /(?:resolve|join)\(\s*import\.meta\.dirname((?:\s*,\s*'[^']*')+),?\s*\)/g,
      )) {
        const parts = [...(m[1] ?? '').matchAll(/'([^']*)'/g)].map((x) => x[1] ?? '');
        const target = resolve(dirname(f), ...parts);
        checked++;
        if (relative(ROOT, target).startsWith('..'))
          outside.push(`${relative(ROOT, f)}: ${parts.join('/')}`);
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(outside).toEqual([]);
  });

  it('no test names a sibling folder of the repository', () => {
    const named: string[] = [];
    for (const { f, text } of sources) {
      if (f === import.meta.filename) continue;
      for (const bad of ['../shared', '..\\shared']) {
        if (text.includes(bad)) named.push(`${relative(ROOT, f)}: ${bad}`);
      }
    }
    expect(named).toEqual([]);
  });

  it('the SARIF schema the tests validate against is vendored in the repository', () => {
    const helper = readFileSync(join(ROOT, 'test/helpers/sarif-schema.ts'), 'utf8');
    const paths = [...helper.matchAll(/'([^']+\.json)'/g)].map((m) => m[1] ?? '');
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      const abs = resolve(join(ROOT, 'test/helpers'), p);
      expect(relative(ROOT, abs).startsWith('..'), p).toBe(false);
      expect(() => readFileSync(abs)).not.toThrow();
    }
  });
});
