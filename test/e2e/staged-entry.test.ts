import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { BIN } from '../helpers/run-cli.js';

// `keyguard staged` starts from dist/staged.cjs, which runs the hook bundle dist/staged-scan.cjs
// with a code cache: Node's own where Node has one (>= 22.1), else a V8 code cache of ours.

const tempRepo = useTempRepos();
/** Node >= 22.1: its compile cache does the caching, in keyguard's private folder. */
const NODE_CACHE =
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

interface Report {
  readonly findings: readonly { readonly severity: string }[];
}

describe('keyguard staged: the pre-commit bundle and its hand-over', () => {
  it('is built as CommonJS, one bundle for the whole scan pipeline', () => {
    const dist = join(BIN, '..', '..', 'dist');
    for (const file of ['staged.cjs', 'staged-scan.cjs'])
      expect(existsSync(join(dist, file)), file).toBe(true);
    // No second copy of the pipeline for the hook: no hand-over bundle any more.
    expect(existsSync(join(dist, 'execute-scan.cjs'))).toBe(false);
    // node:crypto costs ~5 ms of every start: the hook loads it only to hash (src/model/node-crypto.ts).
    expect(readFileSync(join(dist, 'staged-scan.cjs'), 'utf8')).not.toMatch(
      /require\("(?:node:)?crypto"\)/,
    );
  });

  it.skipIf(NODE_CACHE)(
    'keeps a private V8 code cache, reuses it, and shrugs off a bad or foreign one',
    () => {
      const r = tempRepo();
      r.write('creds.ini', credentialsFile(fakeCredentials(13)));
      r.git('add', 'creds.ini');
      const cacheHome = mkdtempSync(join(tmpdir(), 'kg-cache-'));
      try {
        const dir = join(cacheHome, 'keyguard');
        const run = (extra: Record<string, string> = {}) =>
          spawnSync(process.execPath, [BIN, 'staged', '--format', 'json'], {
            cwd: r.dir,
            env: { ...r.env, XDG_CACHE_HOME: cacheHome, ...extra },
            encoding: 'utf8',
          });
        const findings = (out: string) => (JSON.parse(out) as Report).findings.length;

        const off = run({ KEYGUARD_CODE_CACHE: '0' });
        expect(off.status, off.stderr).toBe(1);
        expect(existsSync(dir)).toBe(false);

        const first = run();
        expect(first.status, first.stderr).toBe(1);
        const files = readdirSync(dir);
        expect(files).toHaveLength(1);
        const file = join(dir, files[0] as string);
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const cache = readFileSync(file);
        // Accepted the second time: V8 took it, so nothing is rewritten.
        const second = run();
        expect(findings(second.stdout)).toBe(findings(first.stdout));
        expect(readFileSync(file).equals(cache)).toBe(true);

        // Garbage is rejected by V8: the scan is unchanged and the cache is made again.
        writeFileSync(file, Buffer.alloc(4096, 7));
        const damaged = run();
        expect(damaged.status, damaged.stderr).toBe(1);
        expect(findings(damaged.stdout)).toBe(1);
        const remade = readFileSync(file);
        expect(remade.equals(Buffer.alloc(4096, 7))).toBe(false);
        expect(remade.length).toBeGreaterThan(10_000);

        // A folder others can write is not trusted: its file is left alone.
        writeFileSync(file, Buffer.alloc(4096, 7));
        chmodSync(dir, 0o777);
        const foreign = run();
        expect(foreign.status, foreign.stderr).toBe(1);
        expect(findings(foreign.stdout)).toBe(1);
        expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(true);
      } finally {
        rmSync(cacheHome, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(NODE_CACHE)(
    'remakes a cache made by a clean run once a run reports findings, and only then',
    () => {
      const r = tempRepo();
      r.write('a.txt', 'nothing to see\n');
      r.git('add', 'a.txt');
      const cacheHome = mkdtempSync(join(tmpdir(), 'kg-cache-'));
      try {
        const dir = join(cacheHome, 'keyguard');
        const run = () =>
          spawnSync(process.execPath, [BIN, 'staged'], {
            cwd: r.dir,
            env: { ...r.env, XDG_CACHE_HOME: cacheHome },
            encoding: 'utf8',
          });
        const cacheFile = () => readFileSync(join(dir, readdirSync(dir)[0] as string));
        expect(run().status).toBe(0);
        const clean = cacheFile();
        expect(clean.readUInt32LE(8)).toBe(0);
        expect(run().status).toBe(0);
        expect(cacheFile().equals(clean)).toBe(true);
        r.write('creds.ini', credentialsFile(fakeCredentials(17)));
        r.git('add', 'creds.ini');
        expect(run().status).toBe(1);
        const found = cacheFile();
        expect(found.readUInt32LE(8)).toBe(1);
        expect(found.length).toBeGreaterThan(clean.length);
        expect(run().status).toBe(1);
        expect(cacheFile().equals(found)).toBe(true);
        r.git('rm', '-q', '--cached', 'creds.ini');
        expect(run().status).toBe(0);
        expect(cacheFile().equals(found)).toBe(true);
      } finally {
        rmSync(cacheHome, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(NODE_CACHE)(
    'never loads a planted cache: other source, a folder or file others can write, a link',
    () => {
      // V8 checks only the source's length. A cache compiled from a same-length bundle that says
      // AWS CREDENTIALS where ours says AWS credentials is planted under each name; the real
      // output must come back.
      const r = tempRepo();
      r.write('a.txt', 'nothing to see\n');
      r.git('add', 'a.txt');
      const root = mkdtempSync(join(tmpdir(), 'kg-plant-'));
      try {
        const realDist = join(BIN, '..', '..', 'dist');
        const fakeDist = join(root, 'dist');
        cpSync(realDist, fakeDist, { recursive: true });
        const scan = join(fakeDist, 'staged-scan.cjs');
        const text = readFileSync(scan, 'utf8');
        expect(text).toContain('"AWS credentials"');
        writeFileSync(scan, text.replace('"AWS credentials"', '"AWS CREDENTIALS"'));
        const run = (entry: string, cacheHome: string) =>
          spawnSync(process.execPath, [entry, 'staged'], {
            cwd: r.dir,
            env: { ...r.env, XDG_CACHE_HOME: cacheHome },
            encoding: 'utf8',
          }).stdout;
        // The altered bundle's own cache, and the name the real bundle looks for.
        const evil = join(root, 'evil');
        expect(run(join(fakeDist, 'staged.cjs'), evil)).toContain('no AWS CREDENTIALS found');
        const evilDir = join(evil, 'keyguard');
        const planted = readFileSync(join(evilDir, readdirSync(evilDir)[0] as string));
        const home = join(root, 'home');
        expect(run(BIN, home)).toContain('no AWS credentials found');
        const dir = join(home, 'keyguard');
        const file = join(dir, readdirSync(dir)[0] as string);

        // The file keeps a copy of the bundle it was made for ("KGC1", its length, flags, the
        // bundle, then V8's data): the altered bundle's cache under the real name is refused, copy and all.
        writeFileSync(file, planted);
        expect(run(BIN, home)).toContain('no AWS credentials found');
        // A forged one, our bundle's bytes in front of the altered bundle's V8 data, is only used
        // when planted under the real name in our own folder. That is what makes the rest a test.
        const real = readFileSync(join(realDist, 'staged-scan.cjs'));
        expect(planted.readUInt32LE(4)).toBe(real.length);
        const forged = Buffer.concat([
          planted.subarray(0, 12),
          real,
          planted.subarray(12 + real.length),
        ]);
        writeFileSync(file, forged);
        expect(run(BIN, home)).toContain('no AWS CREDENTIALS found');

        writeFileSync(file, forged);
        chmodSync(dir, 0o777);
        expect(run(BIN, home)).toContain('no AWS credentials found');
        chmodSync(dir, 0o700);

        writeFileSync(file, forged);
        chmodSync(file, 0o666);
        expect(run(BIN, home)).toContain('no AWS credentials found');

        rmSync(file);
        writeFileSync(join(evilDir, 'forged.v8'), forged);
        symlinkSync(join(evilDir, 'forged.v8'), file);
        expect(run(BIN, home)).toContain('no AWS credentials found');
        expect(run(join(fakeDist, 'staged.cjs'), home)).toContain('no AWS CREDENTIALS found');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it.runIf(NODE_CACHE)(
    "uses Node's compile cache in the private folder, and none in one others can write",
    () => {
      const r = tempRepo();
      r.write('creds.ini', credentialsFile(fakeCredentials(15)));
      r.git('add', 'creds.ini');
      const cacheHome = mkdtempSync(join(tmpdir(), 'kg-cache-'));
      try {
        const dir = join(cacheHome, 'keyguard');
        const run = () =>
          spawnSync(process.execPath, [BIN, 'staged', '--format', 'json'], {
            cwd: r.dir,
            env: { ...r.env, XDG_CACHE_HOME: cacheHome },
            encoding: 'utf8',
          });
        const first = run();
        expect(first.status, first.stderr).toBe(1);
        expect(readdirSync(dir)).toEqual(['node-compile-cache']);
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        const second = run();
        expect(second.stdout).toBe(
          first.stdout.replace(
            /"durationMs": \d+/,
            second.stdout.match(/"durationMs": \d+/)?.[0] ?? '',
          ),
        );
        rmSync(join(dir, 'node-compile-cache'), { recursive: true });
        chmodSync(dir, 0o777);
        const foreign = run();
        expect(foreign.status, foreign.stderr).toBe(1);
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        rmSync(cacheHome, { recursive: true, force: true });
      }
    },
  );

  it('never waits on a cache folder it cannot make (HOME under /proc, a device)', () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(16)));
    r.git('add', 'creds.ini');
    for (const env of [{ HOME: '/proc/x' }, { XDG_CACHE_HOME: '/proc/x' }, { HOME: '/dev/full' }]) {
      // Node's recursive mkdir spins forever under /proc: a ceiling well above a normal run.
      const res = spawnSync(process.execPath, [BIN, 'staged'], {
        cwd: r.dir,
        env: { ...r.env, XDG_CACHE_HOME: '', ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(res.status, JSON.stringify(env)).toBe(1);
      const tree = spawnSync(process.execPath, [BIN, 'tree', '.'], {
        cwd: r.dir,
        env: { ...r.env, XDG_CACHE_HOME: '', ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(tree.status, JSON.stringify(env)).toBe(1);
    }
  });

  it('keeps no cache where no absolute cache folder is given (empty HOME, relative XDG path)', () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(14)));
    r.git('add', 'creds.ini');
    for (const env of [{ HOME: '' }, { XDG_CACHE_HOME: 'cache' }]) {
      const res = spawnSync(process.execPath, [BIN, 'staged'], {
        cwd: r.dir,
        env: { ...r.env, XDG_CACHE_HOME: '', ...env },
        encoding: 'utf8',
      });
      expect(res.status, res.stderr).toBe(1);
      // Relative to the repository being committed: nothing may be written there.
      expect(readdirSync(r.dir).sort()).toEqual(['.git', 'creds.ini']);
    }
  });

  it('honours .keyguard.json through the full scan', () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(11)));
    r.git('add', 'creds.ini');
    const bare = r.keyguard(['staged', '--format', 'json']);
    expect(bare.code, bare.stderr).toBe(1);
    expect((JSON.parse(bare.stdout) as Report).findings.map((f) => f.severity)).toEqual(['high']);
    // The pair is high: a config gate at critical lets it through, so the config was read.
    r.write('.keyguard.json', '{ "failOn": "critical" }\n');
    const gated = r.keyguard(['staged', '--format', 'json']);
    expect(gated.code, gated.stderr).toBe(0);
    expect((JSON.parse(gated.stdout) as Report).findings.length).toBe(1);
    const sarif = r.keyguard(['staged', '--format', 'sarif']);
    expect(sarif.code, sarif.stderr).toBe(0);
    expect(sarif.stdout).toContain('"version": "2.1.0"');
  });

  it("reports the full scan's errors as one user-facing line, exit 2", () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(12)));
    r.write('.keyguard.json', '{ "failOn": "sometimes" }\n');
    r.git('add', 'creds.ini');
    const result = r.keyguard(['staged']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^keyguard: .*\.keyguard\.json: invalid configuration \(1 error\)\n/,
    );
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
