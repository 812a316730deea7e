import { existsSync } from 'node:fs';
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
    expect(existsSync(join(dist, 'staged.cjs'))).toBe(true);
    expect(existsSync(join(dist, 'execute-scan.cjs'))).toBe(true);
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
