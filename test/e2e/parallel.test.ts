import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { createRepo } from '../helpers/git-repo.js';
import { BIN, runCli, tempDir } from '../helpers/run-cli.js';

const BIN_DIR = dirname(BIN);

const dir = tempDir();
afterAll(dir.cleanup);

describe('parallel tree scan', () => {
  it('finds exactly what a single-threaded scan finds, on enough files to use workers', () => {
    const pairs = Array.from({ length: 13 }, () => fakePair());
    for (let i = 0; i < 450; i++) {
      const sub = join(dir.path, `d${i % 9}`);
      mkdirSync(sub, { recursive: true });
      const pair = i % 37 === 0 ? pairs[i / 37] : undefined;
      const body =
        pair === undefined
          ? `const x${i} = ${i};\n`
          : `[p]\naws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`;
      writeFileSync(join(sub, `f${i}.txt`), `${'// filler\n'.repeat(i % 50)}${body}`);
    }
    writeFileSync(join(dir.path, 'bin.dat'), Buffer.from([1, 0, 2, 0]));
    const single = runCli(['tree', dir.path, '-f', 'json', '--jobs', '1']);
    const multi = runCli(['tree', dir.path, '-f', 'json', '--jobs', '2']);
    expect(single.code).toBe(1);
    expect(multi.code).toBe(1);
    const strip = (s: string) => {
      const j = JSON.parse(s) as {
        findings: unknown[];
        skipped: unknown;
        stats: { files: number; bytes: number };
      };
      return {
        findings: j.findings,
        skipped: j.skipped,
        files: j.stats.files,
        bytes: j.stats.bytes,
      };
    };
    expect(strip(multi.stdout)).toEqual(strip(single.stdout));
    expect((JSON.parse(multi.stdout) as { findings: unknown[] }).findings).toHaveLength(13);
    expect(leaks(multi.stdout + multi.stderr, pairs)).toEqual([]);
  });

  it('starts workers before listing a large repository, and finds the same', () => {
    // Over 1,000 files in the index: the workers start before the config is read.
    const repo = createRepo();
    try {
      const pairs = Array.from({ length: 4 }, () => fakePair());
      for (let i = 0; i < 1100; i++) {
        const pair = i % 300 === 7 ? pairs[(i - 7) / 300] : undefined;
        repo.write(
          `src/m${i % 11}/f${i}.txt`,
          pair === undefined
            ? `value ${i}\n`
            : `aws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`,
        );
      }
      repo.commitAll('many files');
      // Untracked, so found only through git's untracked listing (started before the workers).
      const untracked = fakePair();
      pairs.push(untracked);
      repo.write(
        'new/creds.ini',
        `aws_access_key_id = ${untracked.id}\naws_secret_access_key = ${untracked.secret}\n`,
      );
      const single = repo.keyguard(['tree', '-f', 'json', '--jobs', '1']);
      const early = repo.keyguard(['tree', '-f', 'json']);
      expect(single.code).toBe(1);
      expect(early.code).toBe(1);
      const findings = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings;
      expect(findings(early.stdout)).toEqual(findings(single.stdout));
      expect(findings(early.stdout)).toHaveLength(5);
      expect(early.stdout).toContain('new/creds.ini');
      // A config error after the workers started: one line, exit 2, and the process ends.
      repo.write('.keyguard.json', '{ broken');
      const broken = repo.keyguard(['tree']);
      expect(broken.code).toBe(2);
      expect(broken.stderr.trim().split('\n')).toHaveLength(1);
      expect(broken.stderr).toContain('.keyguard.json');
      expect(leaks(early.stdout + early.stderr + broken.stderr, pairs)).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });

  it("runs tree's workers from the hook bundle's loader, which a worker never writes a cache for", () => {
    const pairs = Array.from({ length: 3 }, () => fakePair());
    const work = mkdtempSync(join(tmpdir(), 'kg-wboot-'));
    try {
      const tree = join(work, 'tree');
      for (let i = 0; i < 300; i++) {
        const pair = i % 100 === 5 ? pairs[(i - 5) / 100] : undefined;
        mkdirSync(join(tree, `d${i % 7}`), { recursive: true });
        writeFileSync(
          join(tree, `d${i % 7}`, `f${i}.txt`),
          pair === undefined
            ? `value ${i}\n`
            : `aws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`,
        );
      }
      // A copy of the package whose ES module worker fails at once: the scan passes only if its
      // workers start from dist/staged.cjs, as a tree scan from the bundle does.
      const pkg = join(work, 'pkg');
      const root = join(BIN_DIR, '..');
      for (const d of ['bin', 'dist', 'rules', 'schemas'])
        cpSync(join(root, d), join(pkg, d), { recursive: true });
      cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
      writeFileSync(
        join(pkg, 'dist', 'worker.js'),
        "throw new Error('the ES module worker ran');\n",
      );
      const cache = join(work, 'cache');
      const run = (jobs: string) =>
        spawnSync(
          process.execPath,
          [join(pkg, 'bin', 'keyguard.js'), 'tree', tree, '-f', 'json', '--jobs', jobs],
          {
            encoding: 'utf8',
            env: { ...process.env, XDG_CACHE_HOME: cache },
          },
        );
      const single = run('1');
      const multi = run('2');
      expect(single.status, single.stderr).toBe(1);
      expect(multi.status, multi.stderr).toBe(1);
      const findings = (s: string) => (JSON.parse(s) as { findings: unknown[] }).findings;
      expect(findings(multi.stdout)).toEqual(findings(single.stdout));
      expect(findings(multi.stdout)).toHaveLength(3);
      // Only the main thread writes the code cache (Node 20's own; Node >= 22.1 keeps its own).
      const names = readdirSync(join(cache, 'keyguard'));
      expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
      // Run by hand, the worker entry says what it is for, and fails.
      const hand = spawnSync(
        process.execPath,
        [join(pkg, 'dist', 'staged.cjs'), '--keyguard-scan-worker'],
        {
          encoding: 'utf8',
        },
      );
      expect(hand.status).toBe(2);
      expect(hand.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('rejects a --jobs value that is not a whole number', () => {
    const r = runCli(['tree', dir.path, '--jobs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "keyguard: option '--jobs' takes a whole number from 1, not 'many'",
    );
  });
});
