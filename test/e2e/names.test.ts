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

describe('keys written in names', () => {
  /** The findings of a JSON report located at a name, as [ruleId, path]. */
  const atNames = (stdout: string) =>
    (
      JSON.parse(stdout) as { findings: { ruleId: string; path: string; where?: string }[] }
    ).findings
      .filter((f) => f.where === 'name')
      .map((f) => [f.ruleId, f.path]);
  const shownId = (id: string) => `${id.slice(0, 4)}${'*'.repeat(12)}${id.slice(-4)}`;

  it('a pair across folders, a lone key ID, and names with stray bytes or control characters: found in every mode, shown masked', () => {
    const r = repo();
    const split = fakeCredentials(81);
    const lone = fakeCredentials(82);
    const stray = fakeCredentials(83);
    const secret = split.secret.replaceAll('/', 'Q');
    // The key ID names a folder, the secret the file in it: the whole path is one text.
    r.write(`${split.keyId}/${secret}`, 'x\n');
    // A lone key ID is reported wherever it is written (the rule reports it alone in content).
    r.write(`notes-${lone.keyId}.md`, 'x\n');
    // A name that is not UTF-8, and one with an escape sequence: masked, and escaped.
    writeFileSync(
      Buffer.concat([Buffer.from(`${r.dir}/\xff`, 'latin1'), Buffer.from(`${stray.keyId}.txt`)]),
      'x\n',
    );
    r.write(`\x1b]0;${lone.keyId}\x07.txt`, 'x\n');
    const values = [split.keyId, secret, lone.keyId, stray.keyId];
    const expectMasked = (res: { stdout: string; stderr: string }, what: string) => {
      const out = res.stdout + res.stderr;
      for (const v of values) expect(out, what).not.toContain(v);
      expect(out, what).not.toContain('\x1b');
      // The exact bytes of a masked name would give back what it hides.
      expect(out, what).not.toContain(
        Buffer.from(`\xff${stray.keyId}`, 'latin1').toString('base64'),
      );
    };
    const tree = runCli(['tree', '.', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(tree.code, tree.stderr).toBe(1);
    expectMasked(tree, 'tree');
    expect(atNames(tree.stdout).sort()).toEqual(
      [
        ['aws-access-key-pair', `${shownId(split.keyId)}/${'*'.repeat(36)}${secret.slice(-4)}`],
        ['aws-access-key-id', `notes-${shownId(lone.keyId)}.md`],
        ['aws-access-key-id', `\\xff${shownId(stray.keyId)}.txt`],
        ['aws-access-key-id', `\x1b]0;${shownId(lone.keyId)}\x07.txt`],
      ].sort(),
    );
    // On several threads the names are searched once, before the files are shared out.
    const threads = runCli(['tree', '.', '--jobs', '2', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(atNames(threads.stdout).sort()).toEqual(atNames(tree.stdout).sort());
    const human = runCli(['tree', '.'], { cwd: r.dir, env: r.env });
    expect(human.stdout).toContain(`\\x1b]0;${shownId(lone.keyId)}\\x07.txt (in the name)`);
    expectMasked(human, 'human');
    r.git('add', '-A');
    const staged = runCli(['staged', '-f', 'json'], { cwd: r.dir, env: r.env });
    expect(staged.code, staged.stderr).toBe(1);
    expectMasked(staged, 'staged');
    expect(atNames(staged.stdout)).toHaveLength(4);
    r.git('commit', '-qm', 'add', '--no-verify');
    // The history cache remembers clean commits: one whose names may hold a key is never one.
    for (const run of ['first', 'second']) {
      const history = runCli(['history', '-f', 'json'], { cwd: r.dir, env: r.env });
      expect(history.code, `${run}: ${history.stderr}`).toBe(1);
      expectMasked(history, `history (${run})`);
      expect(atNames(history.stdout), run).toHaveLength(4);
    }
  });
});
