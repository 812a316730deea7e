import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

const repo = useTempRepos();
const pair = fakeCredentials(8101);
const lone = fakeCredentials(8102);

/** A pair (unguessable secret: allowlisted by sha256) and a lone key ID (baselined). */
function project(): TempRepo {
  const r = repo();
  r.write('deploy.ini', credentialsFile(pair));
  r.write('notes.txt', `aws_access_key_id = ${lone.keyId}\n`);
  r.git('add', '-A');
  return r;
}

interface Listed {
  fingerprint: string;
  ruleId: string;
  path: string;
  line: number;
  redacted: string;
  lineText: string;
}

function list(r: TempRepo): Listed[] {
  const res = r.keyguard(['audit', '--list']);
  expect(res.code, res.stderr).toBe(0);
  return res.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Listed);
}

const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs `keyguard audit` on a real pseudo-terminal (util-linux script), typing `answers`. */
function onTerminal(r: TempRepo, answers: string) {
  const cmd = `node '${CLI}' audit`;
  const res = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: r.dir,
    env: r.env,
    input: answers,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status ?? -1, out: `${res.stdout}${res.stderr}` };
}

describe('keyguard audit', () => {
  it('refuses to prompt without a terminal, in one line naming the script flags', () => {
    const r = project();
    const res = spawnSync('node', [CLI, 'audit'], {
      cwd: r.dir,
      env: r.env,
      input: 'f\nreason\n',
      encoding: 'utf8',
    });
    expect(res.status).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/--list.*--mark <fingerprint>=false-positive/);
    expect(existsSync(join(r.dir, '.keyguard.json'))).toBe(false);
  });

  it('--list prints each finding as JSON with its fingerprint, never a raw value', () => {
    const r = project();
    const res = r.keyguard(['audit', '--list']);
    expect(res.stdout).not.toContain(pair.secret);
    expect(res.stdout).not.toContain(pair.keyId);
    expect(res.stdout).not.toContain(lone.keyId);
    const found = list(r);
    expect(found.map((f) => `${f.ruleId} ${f.path}:${f.line}`).sort()).toEqual([
      'aws-access-key-id notes.txt:1',
      'aws-access-key-pair deploy.ini:2',
    ]);
    for (const f of found) expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('--mark writes an allowlist entry and a baseline entry with reasons no text can break', () => {
    const r = project();
    const [p, id] = ['aws-access-key-pair', 'aws-access-key-id'].map(
      (rule) => list(r).find((f) => f.ruleId === rule)?.fingerprint ?? '',
    );
    const hostile = 'test fixture "}], "allowlist": {} \\ \u0007 \u001b[31m';
    const fp = r.keyguard(['audit', '--mark', `${p}=false-positive`, '--reason', hostile]);
    expect(fp.code, fp.stderr).toBe(0);
    expect(fp.stdout).toMatch(/1 allowlisted in \.keyguard\.json/);
    const config = JSON.parse(readFileSync(join(r.dir, '.keyguard.json'), 'utf8'));
    expect(config.allowlist.secrets).toHaveLength(1);
    // Quotes and backslashes kept (JSON escapes them); control characters became spaces.
    expect(config.allowlist.secrets[0].reason).toBe('test fixture "}], "allowlist": {} \\ [31m');
    expect(config.allowlist.secrets[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const acc = r.keyguard([
      'audit',
      '--mark',
      `${id}=baseline`,
      '--reason',
      'old sample\nsecond line',
    ]);
    expect(acc.code, acc.stderr).toBe(0);
    const baseline = JSON.parse(readFileSync(join(r.dir, '.keyguard-baseline.json'), 'utf8'));
    expect(baseline.entries).toEqual([
      expect.objectContaining({
        ruleId: 'aws-access-key-id',
        path: 'notes.txt',
        reason: 'old sample second line',
      }),
    ]);
    // The config validator accepts what was written, and both findings are now suppressed.
    const tree = r.keyguard(['tree', '.']);
    expect(tree.code, tree.stdout + tree.stderr).toBe(0);
    expect(list(r)).toEqual([]);
    // `keyguard baseline` rewrites the file and keeps why each entry was accepted.
    expect(r.keyguard(['baseline']).code).toBe(0);
    const again = JSON.parse(readFileSync(join(r.dir, '.keyguard-baseline.json'), 'utf8'));
    expect(again.entries[0].reason).toBe('old sample second line');
  });

  it('a false positive on a key ID (no shareable hash) goes to the baseline, and says so', () => {
    const r = project();
    const id = list(r).find((f) => f.ruleId === 'aws-access-key-id')?.fingerprint ?? '';
    const res = r.keyguard(['audit', '--mark', `${id}=false-positive`, '--reason', 'docs sample']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/1 false positive on key IDs/);
    const baseline = JSON.parse(readFileSync(join(r.dir, '.keyguard-baseline.json'), 'utf8'));
    expect(baseline.entries[0].reason).toBe('false positive: docs sample');
    expect(existsSync(join(r.dir, '.keyguard.json'))).toBe(false);
  });

  it('rejects a bad --mark, an unknown fingerprint and a mark with no reason (exit 2)', () => {
    const r = project();
    const id = list(r)[0]?.fingerprint ?? '';
    expect(r.keyguard(['audit', '--mark', `${id}=maybe`, '--reason', 'x']).code).toBe(2);
    expect(r.keyguard(['audit', '--mark', `${'0'.repeat(32)}=real`]).stderr).toMatch(
      /no current finding has fingerprint/,
    );
    expect(r.keyguard(['audit', '--mark', `${id}=baseline`]).stderr).toMatch(/needs --reason/);
    expect(r.keyguard(['audit', '--mark', `${id}=baseline`, '--reason', '  ']).code).toBe(2);
  });

  it.skipIf(!HAS_SCRIPT)('on a terminal: asks per finding, writes what was decided', () => {
    const r = project();
    // The pair first (deploy.ini sorts before notes.txt): false positive; then the key ID: baseline.
    const res = onTerminal(r, 'f\n\nnot a key "really"\nb\nold sample\n');
    expect(res.code, res.out).toBe(0);
    expect(res.out).toMatch(/finding 1 of 2: HIGH AWS access key pair/);
    expect(res.out).toMatch(/deploy\.ini:2:21/);
    expect(res.out).toMatch(/reason \(required\)/);
    expect(res.out).not.toContain(pair.secret);
    expect(res.out).not.toContain(lone.keyId);
    expect(res.out).toMatch(
      /1 allowlisted in \.keyguard\.json, 1 accepted in \.keyguard-baseline\.json/,
    );
    const config = JSON.parse(readFileSync(join(r.dir, '.keyguard.json'), 'utf8'));
    expect(config.allowlist.secrets[0].reason).toBe('not a key "really"');
    expect(r.keyguard(['tree', '.']).code).toBe(0);
  });

  it.skipIf(!HAS_SCRIPT)(
    'on a terminal: real and skip write nothing; quit keeps what was decided',
    () => {
      const r = project();
      const first = onTerminal(r, 'r\nrotating today\ns\n');
      expect(first.code, first.out).toBe(0);
      expect(first.out).toMatch(/0 allowlisted .* 1 real, 1 skipped/);
      expect(first.out).toMatch(/real: deploy\.ini:2:21 \(rotating today\)/);
      expect(existsSync(join(r.dir, '.keyguard.json'))).toBe(false);
      expect(existsSync(join(r.dir, '.keyguard-baseline.json'))).toBe(false);
      const quit = onTerminal(r, 'b\nkept\nq\n');
      expect(quit.code, quit.out).toBe(0);
      const baseline = JSON.parse(readFileSync(join(r.dir, '.keyguard-baseline.json'), 'utf8'));
      expect(baseline.entries).toHaveLength(1);
      expect(baseline.entries[0].reason).toBe('kept');
    },
  );

  it.skipIf(!HAS_SCRIPT)(
    'on a terminal: names and lines with control characters are shown escaped',
    () => {
      const r = repo();
      r.write(
        'evil\u001b[2J.ini',
        credentialsFile(fakeCredentials(8103)).replace('[default]', '[default] \u001b]0;x\u0007'),
      );
      r.git('add', '-A');
      const res = onTerminal(r, 'q\n');
      expect(res.code, res.out).toBe(0);
      expect(res.out).toMatch(/evil\\(x1b|u001b|e)\[2J\.ini/);
      expect(res.out).not.toContain('\u001b[2J');
    },
  );
});

describe('keyguard audit in a hostile clone', () => {
  it('a committed link to a folder outside the repository is not written through', () => {
    const r = repo();
    const outside = join(r.dir, '..', 'outside');
    mkdirSync(outside);
    // The config names a baseline inside a folder of the repository that is a link out of it.
    symlinkSync(outside, join(r.dir, 'meta'));
    r.write('.keyguard.json', '{"baseline": "meta/baseline.json"}\n');
    r.write('notes.txt', `aws_access_key_id = ${lone.keyId}\n`);
    r.git('add', '-A');
    const [found] = list(r);
    expect(found).toBeDefined();
    const res = r.keyguard([
      'audit',
      '--mark',
      `${found?.fingerprint}=baseline`,
      '--reason',
      'fixture',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/meta.*symbolic link leading outside/);
    expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(readdirSync(outside)).toEqual([]);
    const baseline = r.keyguard(['baseline']);
    expect(baseline.code).toBe(2);
    expect(readdirSync(outside)).toEqual([]);
  });
});
