import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/report/escape-control.js';
import { CLI, credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt } from '../helpers/run-cli.js';

// Names, lines, commit text and rule titles come from whoever wrote the repository: printed on a
// terminal they must show as text, never move the cursor, recolour, retitle or reorder anything.

assertBuilt();
const tempRepo = useTempRepos();

/** What a terminal acts on: C0 but LF (our own line breaks), DEL, C1, bidi controls. */
function rawControls(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const control =
      (c < 0x20 && c !== 0x0a) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0x200e ||
      c === 0x200f ||
      c === 0x061c;
    if (control) found.add(escapeControl(ch));
  }
  return [...found];
}

const ESC_NAME = 'esc\x1b[2J\x1b]0;pwned\x07.ini';
const CR_NAME = 'cr\rfake-clean.ini';
const BIDI_NAME = 'bidi\u202eini.txt\u202c.ini';

const PACK = JSON.stringify({
  version: 1,
  name: 'hostile',
  rules: [
    {
      id: 'hostile-token',
      kind: 'secret',
      title: 'Hostile\x1b[31m title\r\u202e',
      description: 'A token whose rule title tries to drive the terminal.',
      pattern: '\\b(kgdt_[A-Za-z0-9]{32})\\b',
      secretGroup: 1,
      keywords: ['kgdt_'],
      minEntropy: 3.5,
      report: 'labelled',
      labels: { strong: 'deploytoken' },
      severity: 'high',
      remediation: 'Revoke it.',
      examples: {
        match: ['DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a'],
        noMatch: ['DEPLOY_TOKEN=kgdt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
      },
    },
  ],
});

describe('human output under hostile names and lines', () => {
  it('tree: file names with ESC, CR and bidi overrides, lines with escapes, a rule title with them: all shown escaped', () => {
    const r = tempRepo();
    const a = fakeCredentials(101);
    const b = fakeCredentials(102);
    const c = fakeCredentials(103);
    r.write(ESC_NAME, credentialsFile(a));
    r.write(CR_NAME, `\x1b[1A\x1b[2K${credentialsFile(b)}`);
    r.write(BIDI_NAME, credentialsFile(c).replace('\n', '\x07\x08\x9b\n'));
    r.write('deploy.env', 'DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a\n');
    r.write('pack.json', PACK);
    r.git('add', '-A');
    const res = r.keyguard(['tree', '.', '--rules', 'pack.json']);
    expect(res.code, res.stderr).toBe(1);
    expect(rawControls(res.stdout)).toEqual([]);
    expect(rawControls(res.stderr)).toEqual([]);
    expect(res.stdout).toContain('esc\\x1b[2J\\x1b]0;pwned\\x07.ini:');
    expect(res.stdout).toContain('cr\\rfake-clean.ini:');
    expect(res.stdout).toContain('bidi\\u202eini.txt\\u202c.ini:');
    expect(res.stdout).toContain('Hostile\\x1b[31m title\\r\\u202e');
    for (const k of [a, b, c]) {
      expect(res.stdout).not.toContain(k.secret);
      expect(res.stdout).not.toContain(k.keyId);
    }
  });

  it('skipped-file lines (--verbose) and error lines name hostile files escaped', () => {
    const r = tempRepo();
    r.write(ESC_NAME, `${'x'.repeat(4096)}\n`);
    r.git('add', '-A');
    const res = r.keyguard(['tree', '.', '--verbose', '--max-file-size', '1KB']);
    expect(res.stdout).toContain('skipped esc\\x1b[2J\\x1b]0;pwned\\x07.ini');
    expect(rawControls(res.stdout + res.stderr)).toEqual([]);
    const missing = r.keyguard(['tree', '.', '--config', `conf\x1b[31m\r\u202e.json`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('conf\\x1b[31m\\r\\u202e.json');
    expect(rawControls(missing.stderr)).toEqual([]);
  });

  it('staged (the pre-commit gate) and history (commit authors) escape too', () => {
    const r = tempRepo();
    const a = fakeCredentials(104);
    r.write(ESC_NAME, credentialsFile(a));
    r.git('add', '-A');
    const staged = r.keyguard(['staged']);
    expect(staged.code).toBe(1);
    expect(staged.stdout).toContain('esc\\x1b[2J\\x1b]0;pwned\\x07.ini:');
    expect(rawControls(staged.stdout + staged.stderr)).toEqual([]);
    r.env.GIT_AUTHOR_NAME = 'Mallory\x1b[8m hidden';
    r.git('commit', '-q', '--no-verify', '-m', 'x');
    const history = r.keyguard(['history']);
    expect(history.code).toBe(1);
    expect(rawControls(history.stdout + history.stderr)).toEqual([]);
    expect(history.stdout).toContain('esc\\x1b[2J\\x1b]0;pwned\\x07.ini:');
    expect(history.stdout).toContain('Mallory\\x1b[8m hidden');
  });
});

describe('writing the report', () => {
  it('--output /dev/full and a standard output on /dev/full: one line, exit 2, no stack trace', () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(105)));
    r.git('add', '-A');
    const file = r.keyguard(['tree', '.', '--output', '/dev/full']);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(
      'keyguard: cannot write --output /dev/full: no space left on the device (ENOSPC)\n',
    );
    for (const format of ['human', 'json', 'sarif']) {
      const full = openSync('/dev/full', 'w');
      try {
        const res = spawnSync(process.execPath, [CLI, 'tree', '.', '--format', format], {
          cwd: r.dir,
          env: r.env,
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
        expect(res.status, format).toBe(2);
        expect(res.stderr).toBe(
          'keyguard: cannot write the report to standard output: no space left on the device (ENOSPC)\n',
        );
      } finally {
        closeSync(full);
      }
    }
  });

  it("a reader that quits early (| head) is a quiet exit with the scan's own code", () => {
    const r = tempRepo();
    for (let i = 0; i < 300; i++) r.write(`f${i}.ini`, credentialsFile(fakeCredentials(1000 + i)));
    r.git('add', '-A');
    const res = spawnSync(
      'bash',
      [
        '-c',
        `node "${CLI}" tree . --format json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      { cwd: r.dir, env: r.env, encoding: 'utf8' },
    );
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('1');
  });

  it('a pipe closed before anything is read: quiet, and the exit code is still the verdict', () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(107)));
    r.write('clean.txt', 'nothing here\n');
    r.git('add', '-A');
    // `true` exits at once: every write of the report meets a pipe with no reader.
    const run = (args: string) =>
      spawnSync('bash', ['-c', `node "${CLI}" ${args} | true; echo "\${PIPESTATUS[0]}"`], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
    for (const format of ['human', 'json', 'sarif']) {
      const found = run(`tree . --format ${format}`);
      expect(found.stderr, format).toBe('');
      expect(found.stdout.trim(), format).toBe('1');
    }
    const clean = run('tree clean.txt');
    expect(clean.stderr).toBe('');
    expect(clean.stdout.trim()).toBe('0');
  });

  it('a socket whose reader closed it is a lost report: one line, exit 2, even when clean', async () => {
    // Only a pipe's reader can quit on purpose (| head). A socket on standard output (a log
    // collector, a service) that closes has not received the report: the gate must not pass.
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(108)));
    r.write('clean.txt', 'nothing here\n');
    r.git('add', '-A');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        // Node's 'pipe' stdio is a socket pair; its reading end is closed before the scan writes.
        const child = spawn(process.execPath, [CLI, ...args], {
          cwd: r.dir,
          env: r.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.destroy();
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString('utf8');
        });
        child.on('close', (code) => done({ code, stderr }));
      });
    for (const args of [
      ['tree', 'creds.ini'],
      ['tree', 'clean.txt'],
    ]) {
      const res = await run(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toBe(
        'keyguard: cannot write the report to standard output: the reader closed the pipe (EPIPE)\n',
      );
    }
  });

  it('--output and baseline --output refuse a symbolic link (its target untouched)', () => {
    const r = tempRepo();
    r.write('creds.ini', credentialsFile(fakeCredentials(106)));
    r.git('add', '-A');
    const victim = join(r.dir, '..', 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(r.dir, 'report.json'));
    const res = r.keyguard(['tree', 'creds.ini', '--format', 'json', '--output', 'report.json']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'keyguard: cannot write --output report.json: it is a symbolic link, which keyguard does not follow (remove it, or name the file it points to)\n',
    );
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const empty = '{"version": 1, "entries": []}\n';
    const accepted = join(r.dir, '..', 'accepted.json');
    writeFileSync(accepted, empty);
    symlinkSync(accepted, join(r.dir, '.keyguard-baseline.json'));
    const linked = r.keyguard(['baseline', 'creds.ini']);
    expect(linked.code).toBe(2);
    expect(linked.stderr).toMatch(/^keyguard: cannot write the baseline .*symbolic link/);
    expect(readFileSync(accepted, 'utf8')).toBe(empty);
  });
});
