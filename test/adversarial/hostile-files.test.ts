import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, planted } from '../helpers/adversarial.js';
import { assertBuilt, BIN, tempDir } from '../helpers/run-cli.js';

// Issue 10, bounded time, against a hostile folder on disk (a downloaded tarball, a stranger's
// checkout): the files keyguard reads for itself (.gitignore files, the config, the baseline, rule
// packs) can be FIFOs or links to devices that never end. Each run must end on its own, quickly.

beforeAll(() => assertBuilt());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** This process's environment without keyguard's own variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('KEYGUARD_')) env[k] = v;
  return env;
}

/** The built CLI with a hard ceiling: a hang is a failure, not a stuck test run. */
function bounded(args: readonly string[], cwd: string, seconds = 25) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    input: '',
    encoding: 'utf8',
    timeout: seconds * 1000,
    killSignal: 'SIGKILL',
    env: cleanEnv(),
  });
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    killed: r.signal === 'SIGKILL',
  };
}

function folder(): string {
  const t = tempDir('kg-hostile-');
  cleanups.push(t.cleanup);
  return t.path;
}

describe('.gitignore files keyguard reads itself (a folder outside git)', () => {
  it('a FIFO or a link to an endless device is not read (as git does not), and the key is still found', () => {
    const dir = folder();
    const { pair, text } = planted();
    writeFileSync(join(dir, 'creds.ini'), text);
    execFileSync('mkfifo', [join(dir, '.gitignore')]);
    mkdirSync(join(dir, 'sub'));
    symlinkSync('/dev/zero', join(dir, 'sub', '.gitignore'));
    writeFileSync(join(dir, 'sub', 'more.ini'), planted().text);
    // Only asked for does keyguard read a folder's .gitignore files at all.
    const res = bounded(['tree', '.', '-f', 'json', '--respect-gitignore'], dir);
    expect(res.killed, 'the scan hung').toBe(false);
    expect(res.code, res.stderr).toBe(1);
    expectNoLeak(res, [pair]);
  });
});

describe('configuration, baseline and rule packs named by a hostile folder', () => {
  const cases: [string, (dir: string) => void][] = [
    [
      'a rule pack that is a FIFO',
      (dir) => {
        execFileSync('mkfifo', [join(dir, 'pack.json')]);
        writeFileSync(join(dir, '.keyguard.json'), '{"rules": ["./pack.json"]}');
      },
    ],
    [
      'a baseline that is a FIFO',
      (dir) => {
        execFileSync('mkfifo', [join(dir, 'accepted.json')]);
        writeFileSync(join(dir, '.keyguard.json'), '{"baseline": "accepted.json"}');
      },
    ],
    [
      'the default baseline, a link to /dev/zero',
      (dir) => symlinkSync('/dev/zero', join(dir, '.keyguard-baseline.json')),
    ],
    [
      'the config, a link to /dev/zero',
      (dir) => symlinkSync('/dev/zero', join(dir, '.keyguard.json')),
    ],
  ];
  for (const [name, plant] of cases) {
    it(`${name}: one line, exit 2, at once`, () => {
      const dir = folder();
      writeFileSync(join(dir, 'creds.ini'), planted().text);
      plant(dir);
      const res = bounded(['tree', '.'], dir);
      expect(res.killed, 'the scan hung').toBe(false);
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stderr).toMatch(/^keyguard: .*not a regular file/);
    });
  }
});

describe('a work tree git did not write: tracked names that lead out of it', () => {
  /** A repository tracking `<dir>/creds.ini`, and a planted pair outside it. */
  function repoWithOutside(dir = 'sub') {
    const top = folder();
    const repo = join(top, 'repo');
    const outside = join(top, 'outside');
    mkdirSync(join(repo, dir), { recursive: true });
    mkdirSync(outside);
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repo, env: cleanEnv(), encoding: 'utf8' });
    git('init', '-q', '.');
    writeFileSync(join(repo, dir, 'creds.ini'), 'nothing here\n');
    git('add', `${dir}/creds.ini`);
    const { pair, text } = planted();
    writeFileSync(join(outside, 'creds.ini'), text);
    writeFileSync(join(top, 'creds.ini'), text);
    return { repo, outside, git, pair };
  }

  /** A run that exits 0 with no finding, lists `item` among its skips, and shows nothing of `pair`. */
  function expectOnlySkipped(
    res: ReturnType<typeof bounded>,
    pair: ReturnType<typeof planted>['pair'],
    item: { path: string; reason: string; detail: string },
  ): void {
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.findings).toEqual([]);
    expect(report.skipped.items).toContainEqual(item);
    expectNoLeak(res, [pair]);
  }

  it('a tracked file under a folder replaced by a link is not read through it (git: deleted)', () => {
    const { repo, outside, git, pair } = repoWithOutside();
    rmSync(join(repo, 'sub'), { recursive: true });
    symlinkSync(outside, join(repo, 'sub'));
    expect(git('status', '--porcelain')).toContain('D sub/creds.ini');
    const res = bounded(['tree', '.', '-f', 'json'], repo);
    expectOnlySkipped(res, pair, {
      path: 'sub/creds.ini',
      reason: 'symlink',
      detail: 'a folder on its path is a symbolic link',
    });
  });

  it("a crafted index naming '../creds.ini' is refused, not read outside the tree: exit 2", () => {
    const { repo, pair } = repoWithOutside('ab');
    // The name `ab/creds.ini` made `../creds.ini` (same length) and the checksum made anew, as
    // git never writes it: git refuses such a name on every command that adds one.
    const index = readFileSync(join(repo, '.git', 'index'));
    const at = index.indexOf('ab/creds.ini');
    index.write('../', at, 'latin1');
    const body = index.subarray(0, index.length - 20);
    writeFileSync(
      join(repo, '.git', 'index'),
      Buffer.concat([body, createHash('sha1').update(body).digest()]),
    );
    rmSync(join(repo, 'ab'), { recursive: true });
    // `..` from the top of the repository is where a pair waits.
    const res = bounded(['tree', '.', '-f', 'json', '--allow-partial'], repo);
    expectOnlySkipped(res, pair, {
      path: '../creds.ini',
      reason: 'unreadable',
      detail: "its name climbs out of the work tree ('..')",
    });
    expect(bounded(['tree', '.'], repo).code).toBe(2);
  });
});
