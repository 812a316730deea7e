import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, fakeKeyId } from '../../src/rules/expand-placeholders.js';
import { leaks } from '../helpers/fake-keys.js';
import {
  type FakeIdentity,
  type FakeSts,
  makeIdentity,
  startFakeSts,
} from '../helpers/fake-sts.js';
import { assertBuilt, BIN, type CliResult, tempDir } from '../helpers/run-cli.js';

// The verification controls trufflehog users expect, against a local fake STS (never AWS):
// --only-verified, --verify-timeout, --verify-concurrency, and one call per credential per run.

/** The fake STS lives in this process: the CLI runs without blocking the event loop. */
function run(args: readonly string[], cwd: string): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    HTTPS_PROXY: undefined,
    https_proxy: undefined,
    HTTP_PROXY: undefined,
    http_proxy: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_REGION: 'us-east-1',
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const random = createRandom(20261207);
const live = makeIdentity(random, 'user', { name: 'live' });
const dead = makeIdentity(random, 'user', { state: 'inactive' });
// Answers after 3 s: any timeout below that gives up first.
const slow = makeIdentity(random, 'user', { name: 'slow', delayMs: 3000 });
// Six keys answered after 300 ms each, to see how many calls are in flight at once.
const batch = Array.from({ length: 6 }, (_, i) =>
  makeIdentity(random, 'user', { name: `b${i}`, delayMs: 300 }),
);
const lone = fakeKeyId(random, 'AKIA');
const identities = [live, dead, slow, ...batch];
const values = [
  ...identities.map((i) => ({ id: i.keyId, secret: i.secret })),
  { id: lone, secret: lone },
];

let sts: FakeSts;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  assertBuilt();
  sts = await startFakeSts({ identities });
});
afterAll(async () => {
  await sts.close();
});
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function creds(i: FakeIdentity): string {
  return `[default]\naws_access_key_id = ${i.keyId}\naws_secret_access_key = ${i.secret}\n`;
}

function folder(files: Record<string, string>): string {
  const dir = tempDir('keyguard-verify-');
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), content);
  }
  return dir.path;
}

interface JsonReport {
  findings: { path: string; verification?: { status: string; reason?: string } }[];
  suppressed: {
    count: number;
    byKind: Record<string, number>;
    items: { by: string; entry: string }[];
  };
  verdict: { exitCode: number };
}

const requestsFor = (keyId: string) => sts.requests.filter((r) => r.keyId === keyId).length;

describe('--only-verified', () => {
  it('reports only live keys; the rest are counted as suppressed, and the exit code follows', async () => {
    const dir = folder({
      'live.ini': creds(live),
      'dead.ini': creds(dead),
      'app.ts': `const id = '${lone}';\n`,
    });
    const r = await run(['tree', '.', '--only-verified', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.map((f) => [f.path, f.verification?.status])).toEqual([
      ['live.ini', 'live'],
    ]);
    expect(report.suppressed.byKind.unverified).toBe(2);
    expect(report.suppressed.items.map((s) => s.entry).sort()).toEqual([
      'verification:inactive',
      'verification:none',
    ]);
    // Nothing live: exit 0, and the summary still counts what was set aside.
    const quiet = folder({ 'dead.ini': creds(dead), 'app.ts': `const id = '${lone}';\n` });
    const none = await run(['tree', '.', '--only-verified'], quiet);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/2 suppressed/);
    const verbose = await run(['tree', '.', '--only-verified', '--verbose'], quiet);
    expect(verbose.stdout).toContain('by unverified verification:inactive');
    expect(leaks(r.stdout + r.stderr + none.stdout + verbose.stdout, values)).toEqual([]);
  });
});

describe('--verify-timeout', () => {
  it('gives up after the limit, says how long it really waited, and --only-verified keeps the key', async () => {
    const dir = folder({ 'slow.ini': creds(slow) });
    const r = await run(
      ['tree', '.', '--verify', '--verify-timeout', '300ms', '--format', 'json'],
      dir,
    );
    expect(r.code, r.stderr).toBe(1);
    const [f] = (JSON.parse(r.stdout) as JsonReport).findings;
    expect(f?.verification?.status).toBe('unknown');
    const waited = Number(/^timeout after (\d+\.\d) s$/.exec(f?.verification?.reason ?? '')?.[1]);
    expect(waited).toBeGreaterThanOrEqual(0.3);
    expect(waited).toBeLessThan(3);
    const human = await run(['tree', '.', '--verify', '--verify-timeout', '300ms'], dir);
    expect(human.stdout).toMatch(/verified unknown \(timeout after \d+\.\d s\): treat as live/);
    // A key that could not be checked is not dropped: the gate does not pass on a timeout.
    const only = await run(['tree', '.', '--only-verified', '--verify-timeout', '300ms'], dir);
    expect(only.code, only.stderr).toBe(1);
  }, 30_000);
});

describe('--verify-concurrency', () => {
  it('caps the calls in flight, and a credential is verified once per run however often it is found', async () => {
    const files: Record<string, string> = {};
    batch.forEach((b, i) => {
      files[`b${i}.ini`] = creds(b);
    });
    // The live pair in three files: one call.
    for (const name of ['one.ini', 'two/creds.ini', 'three/.env']) files[name] = creds(live);
    const dir = folder(files);
    const before = requestsFor(live.keyId);
    const r = await run(
      ['tree', '.', '--verify', '--verify-concurrency', '1', '--format', 'json'],
      dir,
    );
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.filter((f) => f.verification?.status === 'live')).toHaveLength(9);
    expect(sts.maxInFlight).toBe(1);
    expect(requestsFor(live.keyId) - before).toBe(1);
    for (const b of batch) expect(requestsFor(b.keyId)).toBe(1);
    // The default lets several run at once.
    const wide = await run(['tree', '.', '--verify', '--verify-concurrency', '6'], dir);
    expect(wide.code, wide.stderr).toBe(1);
    expect(sts.maxInFlight).toBeGreaterThan(1);
  }, 30_000);
});

describe('bad values', () => {
  it.each([
    [
      ['--verify', '--verify-timeout', '5'],
      "option '--verify-timeout' takes a duration from 1ms to 10m such as 500ms, 5s or 1m, not '5'",
    ],
    [['--verify', '--verify-timeout', '11m'], "not '11m'"],
    [
      ['--verify', '--verify-concurrency', '0'],
      "option '--verify-concurrency' takes a whole number from 1 to 32, not '0'",
    ],
    [['--verify-timeout', '5s'], "option '--verify-timeout' is for '--verify'"],
    [['--verify-concurrency', '2'], "option '--verify-concurrency' is for '--verify'"],
  ])('%j: one line, exit 2, before anything is sent', async (args, message) => {
    const dir = folder({ 'x.ini': creds(live) });
    const before = sts.requests.length;
    const r = await run(['tree', '.', ...args], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sts.requests.length).toBe(before);
  });
});
