import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, planted } from '../helpers/adversarial.js';
import { assertBuilt, BIN, tempDir } from '../helpers/run-cli.js';

// Issue 10, "whatever still cannot be read is listed with its reason and makes the exit code 2,
// unless the user opted out explicitly (a flag and a config key; the summary then says how much
// was skipped). A run with a skip never shows a green tick."

const cleanups: (() => void)[] = [];
/**
 * The CLI `nobody` runs: under root, a copy of the built package in a folder anyone can read,
 * because the checkout itself may sit in a private folder (a `mktemp -d` clone, /root).
 */
let userBin = BIN;
beforeAll(() => {
  assertBuilt();
  if (process.getuid?.() !== 0) return;
  const copy = tempDir('kg-cli-');
  chmodSync(copy.path, 0o755);
  for (const part of ['bin', 'dist', 'rules', 'schemas', 'package.json']) {
    cpSync(join(dirname(dirname(BIN)), part), join(copy.path, part), { recursive: true });
  }
  userBin = join(copy.path, 'bin/keyguard.js');
  return copy.cleanup;
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Report {
  findings: { path: string }[];
  skipped: { items: { path: string; reason: string }[] };
  incomplete?: { unread: number; accepted: boolean };
}

/**
 * The built CLI as an unprivileged user: root reads a mode-000 file anyway, so under root the run
 * drops to `nobody` (setpriv, util-linux) for "permission denied" to be real.
 */
function asUser(args: readonly string[], cwd: string) {
  const root = process.getuid?.() === 0;
  const command = root ? 'setpriv' : process.execPath;
  const prefix = root ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [];
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NO_COLOR: '1', HOME: cwd };
  const r = spawnSync(command, [...prefix, userBin, ...args], {
    cwd,
    env,
    input: '',
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, killed: r.signal !== null };
}

/** A plain folder (no git) readable by anyone, with a key and the unreadable things in it. */
function folder() {
  const t = tempDir('kg-unread-');
  cleanups.push(t.cleanup);
  chmodSync(t.path, 0o755);
  const { pair, text } = planted();
  writeFileSync(join(t.path, 'creds.ini'), text);
  writeFileSync(join(t.path, 'locked.env'), planted().text);
  chmodSync(join(t.path, 'locked.env'), 0o000);
  writeFileSync(join(t.path, 'big.log'), `${'filler line\n'.repeat(200)}`);
  execFileSync('mkfifo', [join(t.path, 'pipe')]);
  return { dir: t.path, pair };
}

const reasons = (r: Report) =>
  Object.fromEntries(r.skipped.items.map((i) => [i.path, i.reason])) as Record<string, string>;

describe('what cannot be read', () => {
  it('permission denied, a FIFO and a device named on the command line, a size limit: listed, exit 2', () => {
    const { dir, pair } = folder();
    const args = ['tree', '.', 'pipe', '/dev/zero', '--max-file-size', '1KB'];
    const res = asUser([...args, '-f', 'json'], dir);
    expect(res.killed, 'the scan hung').toBe(false);
    expect(res.code, res.stderr).toBe(2);
    const report = JSON.parse(res.stdout) as Report;
    expect(reasons(report)).toMatchObject({
      'locked.env': 'unreadable',
      pipe: 'special',
      'big.log': 'too-large',
    });
    expect(report.skipped.items.find((i) => i.path.endsWith('zero'))?.reason).toBe('special');
    expect(report.findings.map((f) => f.path)).toContain('creds.ini');
    expect(report.incomplete).toMatchObject({ accepted: false });
    const human = asUser([...args, '--verbose'], dir);
    expect(human.code).toBe(2);
    expect(human.stdout).not.toContain('✔');
    expect(human.stdout).toMatch(/INCOMPLETE/);
    for (const name of ['locked.env', 'pipe', 'big.log']) expect(human.stdout).toContain(name);
    expectNoLeak([res, human], [pair]);
  });

  it('the same with nothing found: still exit 2, never a green tick', () => {
    const { dir } = folder();
    execFileSync('rm', [join(dir, 'creds.ini')]);
    const res = asUser(['tree', '.', 'pipe', '--max-file-size', '1KB'], dir);
    expect(res.code, res.stderr).toBe(2);
    expect(res.stdout).not.toContain('✔');
  });

  it('--allow-partial and "allowPartial": true accept it, and the summary says how much was not read', () => {
    const { dir } = folder();
    execFileSync('rm', [join(dir, 'creds.ini')]);
    const flag = asUser(['tree', '.', 'pipe', '--max-file-size', '1KB', '--allow-partial'], dir);
    writeFileSync(
      join(dir, '.keyguard.json'),
      JSON.stringify({ allowPartial: true, maxFileSize: 1024 }),
    );
    const config = asUser(['tree', '.', 'pipe'], dir);
    for (const res of [flag, config]) {
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).not.toContain('✔');
      expect(res.stdout).toMatch(/PARTIAL scan \(accepted\)/);
      // locked.env, big.log and the pipe: three items, and the known size of what was not read.
      expect(res.stdout).toMatch(/3 items not read \([\d.]+ [KM]?i?B known\)/);
      expect(res.stderr).toMatch(/warning: PARTIAL scan \(accepted\): 3 items could not be read/);
    }
    const json = asUser(['tree', '.', 'pipe', '-f', 'json'], dir);
    expect((JSON.parse(json.stdout) as Report).incomplete).toMatchObject({
      unread: 3,
      accepted: true,
    });
  });
});
