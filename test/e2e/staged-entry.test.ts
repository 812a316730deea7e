import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { BIN } from '../helpers/run-cli.js';

// `keyguard staged` starts from dist/staged.cjs and hands configured scans to dist/execute-scan.cjs:
// two bundles, each with its own copy of the model. These runs cross that seam for real.

const tempRepo = useTempRepos();

interface Report {
  readonly findings: readonly { readonly severity: string }[];
}

describe('keyguard staged: the pre-commit bundle and its hand-over', () => {
  it('is built as CommonJS beside the full scan', () => {
    const dist = join(BIN, '..', '..', 'dist');
    for (const file of ['staged.cjs', 'staged-scan.cjs', 'execute-scan.cjs'])
      expect(existsSync(join(dist, file)), file).toBe(true);
  });

  it('keeps a private V8 code cache, reuses it, and shrugs off a bad or foreign one', () => {
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

      // A folder others can write is not trusted: its file is left alone (and never loaded).
      writeFileSync(file, Buffer.alloc(4096, 7));
      chmodSync(dir, 0o777);
      const foreign = run();
      expect(foreign.status, foreign.stderr).toBe(1);
      expect(findings(foreign.stdout)).toBe(1);
      expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(true);
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
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
