import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { expandPlaceholders } from '../../src/rules/expand-placeholders.js';
import { fakePair } from '../helpers/fake-keys.js';
import { createRepo } from '../helpers/git-repo.js';

const SCRIPT = resolve(import.meta.dirname, '../../bin/keyguard-pre-commit');
const CORPUS = resolve(import.meta.dirname, '../../fixtures/corpus');

/** The script's own added-line pattern (POSIX ERE; the same syntax in JavaScript here). */
function prefilter(): RegExp {
  const m = /-e '(\^\\\+[^']+)'/.exec(readFileSync(SCRIPT, 'utf8'));
  if (m?.[1] === undefined) throw new Error('pattern not found in bin/keyguard-pre-commit');
  return new RegExp(m[1]);
}

/** Every text the engine is known to find something in: rule examples and the corpus positives. */
function positives(): { name: string; text: string }[] {
  const out = BUILTIN_PACK.rules.flatMap((r) =>
    r.examples.match.map((e, i) => ({
      name: `${r.id} match ${i}`,
      text: expandPlaceholders(e, 1000 + i),
    })),
  );
  for (const dir of readdirSync(CORPUS).filter((d) => d.startsWith('ng.'))) {
    const input = readdirSync(join(CORPUS, dir)).find((f) => f !== 'expected.json');
    if (input === undefined) continue;
    out.push({
      name: dir,
      text: expandPlaceholders(readFileSync(join(CORPUS, dir, input), 'utf8'), 7),
    });
  }
  return out;
}

describe('bin/keyguard-pre-commit', () => {
  const pattern = prefilter();
  const pack = compilePacks([{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }], {
    enable: BUILTIN_PACK.rules.map((r) => r.id),
  });

  it('lets through no line the engine reports: its pattern is a superset of every finding', () => {
    const cases = positives();
    expect(cases.length).toBeGreaterThan(20);
    const missed: string[] = [];
    for (const c of cases) {
      const lines = c.text.split('\n');
      for (const f of detectChunk(
        { source: 'staged', path: c.name, text: c.text },
        pack,
        EMPTY_ENGINE_ALLOWLIST,
      )) {
        // A staged finding needs an added line holding one of its values: the primary or the partner.
        const own = [f.location, ...(f.partner === undefined ? [] : [f.partner])];
        if (!own.some((l) => pattern.test(`+${lines[l.line - 1] ?? ''}`)))
          missed.push(`${c.name}:${f.location.line}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it('answers alone for a clean change, and hands anything suspicious to the full scan', () => {
    const r = createRepo();
    try {
      r.write('a.txt', 'one\n');
      r.git('add', 'a.txt');
      // As a hook: silent when clean. KEYGUARD_VERBOSE=1 says which path answered.
      const silent = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
      expect(silent.status).toBe(0);
      expect(silent.stdout + silent.stderr).toBe('');
      const verbose = { ...r.env, KEYGUARD_VERBOSE: '1' };
      const clean = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: verbose,
        encoding: 'utf8',
      });
      expect(clean.status).toBe(0);
      expect(clean.stderr).toMatch(/nothing in the staged changes can hold an AWS key/);
      r.write('b.txt', `value = "${'Ab3'.repeat(14)}"\n`);
      r.git('add', 'b.txt');
      const quietFull = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
      expect(quietFull.status).toBe(0);
      expect(quietFull.stdout + quietFull.stderr).toBe('');
      const full = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: verbose,
        encoding: 'utf8',
      });
      // A 40-character run reached the full scan, which found it unlabelled and unpaired: clean.
      expect(full.status).toBe(0);
      expect(full.stdout).toMatch(/no AWS credentials found/);
    } finally {
      r.cleanup();
    }
  });

  it('hands over a line that is not valid UTF-8 (grep runs on bytes, not characters)', () => {
    const r = createRepo();
    try {
      // Latin-1 text: in a UTF-8 locale grep's `.` does not match the byte 0xE9, and the key after
      // it used to slip past the prefilter.
      const { id } = fakePair();
      r.write(
        'notes.txt',
        Buffer.concat([Buffer.from('caf\xe9', 'latin1'), Buffer.from(` ${id}\n`)]),
      );
      r.git('add', 'notes.txt');
      const res = spawnSync('keyguard-pre-commit', [], {
        cwd: r.dir,
        env: { ...r.env, LC_ALL: 'C.UTF-8' },
        encoding: 'utf8',
      });
      expect(res.status, res.stderr).toBe(1);
      expect(res.stdout).toMatch(/1 finding/);
      expect(res.stdout).not.toContain(id);
    } finally {
      r.cleanup();
    }
  });

  it('drops NODE_EXTRA_CA_CERTS for the full scan unless --verify may open a connection', () => {
    const r = createRepo();
    try {
      // The script beside a stand-in `keyguard` that reports what it was started with.
      const bin = join(r.dir, '.bin');
      mkdirSync(bin);
      copyFileSync(SCRIPT, join(bin, 'keyguard-pre-commit'));
      writeFileSync(
        join(bin, 'keyguard'),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template
        '#!/bin/sh\necho "certs=${NODE_EXTRA_CA_CERTS-unset} args=$*"\n',
      );
      chmodSync(join(bin, 'keyguard'), 0o755);
      chmodSync(join(bin, 'keyguard-pre-commit'), 0o755);
      r.write('b.txt', `value = "${'Ab3'.repeat(14)}"\n`);
      r.git('add', 'b.txt');
      const run = (...args: string[]) =>
        spawnSync(join(bin, 'keyguard-pre-commit'), args, {
          cwd: r.dir,
          env: { ...r.env, NODE_EXTRA_CA_CERTS: '/corp/ca.pem' },
          encoding: 'utf8',
        }).stdout.trim();
      expect(run()).toBe('certs=unset args=staged --quiet');
      expect(run('--format', 'json')).toBe('certs=unset args=staged --quiet --format json');
      expect(run('--verify')).toBe('certs=/corp/ca.pem args=staged --quiet --verify');
    } finally {
      r.cleanup();
    }
  });
});
