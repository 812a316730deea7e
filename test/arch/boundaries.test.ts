import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Every stage; app wires them together, entry points (cli, action) may use all of it. */
const STAGES = [
  'model',
  'engine',
  'filters',
  'sources',
  'git',
  'config',
  'report',
  'rules',
  'schema',
  'verify',
];

/** Which folders each folder may import from (besides itself and npm packages). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  model: [],
  schema: ['model'],
  engine: ['model', 'rules-data'],
  rules: ['model', 'schema', 'engine', 'rules-data'],
  filters: ['model'],
  git: ['model'],
  config: ['model', 'schema', 'schemas-data'],
  sources: ['model', 'git'],
  report: ['model', 'engine'],
  verify: ['model', 'engine'],
  app: STAGES,
  action: [...STAGES, 'app', 'rules-data', 'package'],
  cli: [...STAGES, 'app', 'package'],
};

/** Known, documented exceptions: file → extra folders it may import. */
const EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  // Audits ~/.aws files: redacts and decodes key IDs with the engine's own functions.
  'sources/aws-config-files.ts': ['engine'],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function targetFolder(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const target = relative(SRC, resolve(file, '..', spec));
  if (target.startsWith('../rules/')) return 'rules-data';
  if (target.startsWith('../schemas/')) return 'schemas-data';
  if (target === '../package.json') return 'package';
  return target.split('/')[0];
}

describe('architecture', () => {
  const sources = files(SRC).filter((f) => relative(SRC, f) !== 'index.ts');

  it.each(sources.map((f) => [relative(SRC, f)]))('%s imports only what its stage may', (rel) => {
    const file = join(SRC, rel);
    const folder = rel.split('/')[0] ?? '';
    const allowed = new Set([folder, ...(ALLOWED[folder] ?? []), ...(EXCEPTIONS[rel] ?? [])]);
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1] ?? '');
    const bad = specs.filter((s) => {
      const target = targetFolder(file, s);
      return target !== undefined && !allowed.has(target);
    });
    expect(ALLOWED[folder], `unknown folder src/${folder}: add it to the table`).toBeDefined();
    expect(bad).toEqual([]);
  });

  it('keeps child_process in src/git and process in the entry files', () => {
    for (const file of sources) {
      const rel = relative(SRC, file);
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/from 'node:child_process'/.test(text)) expect(rel.startsWith('git/'), rel).toBe(true);
      if (/from 'node:process'|\bprocess\.(env|exit|argv|stdout|stderr|cwd)/.test(text)) {
        expect(rel.startsWith('cli/') || rel.startsWith('action/'), rel).toBe(true);
      }
    }
  });
});
