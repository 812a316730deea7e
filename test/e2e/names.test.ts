import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

interface Report {
  findings: { path: string; pathBytes?: string; ruleId: string }[];
  skipped: { items: { path: string; reason: string }[] };
}

beforeAll(() => assertBuilt());
const repo = useTempRepos();

/** `café.env` in Latin-1: a name that is not valid UTF-8. */
const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x65, 0x6e, 0x76]);

describe('file names that are not valid UTF-8', () => {
  it('are scanned and reported in every mode: \\xNN shown, the exact bytes in JSON', () => {
    const r = repo();
    const c = fakeCredentials(77);
    // Written by its exact bytes: a Buffer path reaches the file system unchanged.
    writeFileSync(Buffer.concat([Buffer.from(`${r.dir}/`), LATIN1_NAME]), credentialsFile(c));
    writeFileSync(join(r.dir, 'plain.txt'), 'nothing\n');
    const expectFound = (stdout: string, what: string) => {
      const report = JSON.parse(stdout) as Report;
      const hit = report.findings.find((f) => f.ruleId === 'aws-access-key-pair');
      expect(hit, what).toBeDefined();
      expect(hit?.path, what).toBe('caf\\xe9.env');
      expect(Buffer.from(hit?.pathBytes ?? '', 'base64').equals(LATIN1_NAME), what).toBe(true);
      expect(
        report.skipped.items.map((s) => s.reason),
        what,
      ).not.toContain('deleted');
    };
    const tree = runCli(['tree', '.', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(tree.code, tree.stderr).toBe(1);
    expectFound(tree.stdout, 'tree');
    r.git('add', '-A');
    const staged = runCli(['staged', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(staged.code, staged.stderr).toBe(1);
    expectFound(staged.stdout, 'staged');
    r.git('commit', '-qm', 'add', '--no-verify');
    const history = runCli(['history', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(history.code, history.stderr).toBe(1);
    expectFound(history.stdout, 'history');
    // Outside git: the folder walk keeps the bytes too.
    const plain = tempDir();
    try {
      writeFileSync(
        Buffer.concat([Buffer.from(`${plain.path}/`), LATIN1_NAME]),
        credentialsFile(c),
      );
      const walked = runCli(['tree', '.', '-f', 'json'], { cwd: plain.path });
      expect(walked.code, walked.stderr).toBe(1);
      expectFound(walked.stdout, 'folder walk');
    } finally {
      plain.cleanup();
    }
  });
});
