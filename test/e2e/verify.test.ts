import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { type FakePair, leaks } from '../helpers/fake-keys.js';
import {
  type FakeIdentity,
  type FakeSts,
  keyIdForAccount,
  makeIdentity,
  startFakeSts,
} from '../helpers/fake-sts.js';
import { assertBuilt, BIN, type CliResult, tempDir } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

// The fake STS lives in this process, so the CLI must run without blocking the event loop:
// runCli (spawnSync) would freeze the server it is talking to. Same binary, same environment rules.
function runCliAsync(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    HTTPS_PROXY: undefined,
    https_proxy: undefined,
    HTTP_PROXY: undefined,
    http_proxy: undefined,
    AWS_ENDPOINT_URL: undefined,
    ...options.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
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

const random = createRandom(20261130);
const user = makeIdentity(random, 'user', { name: 'deployer' });
const root = makeIdentity(random, 'root');
const dead = makeIdentity(random, 'user', { state: 'inactive' });
const expired = makeIdentity(random, 'role', { state: 'expired' });
const role = makeIdentity(random, 'role', { name: 'ci-session' });
// Thinkst canarytokens.org account (docs/aws-facts.md B4): never to be contacted.
const canary: FakePair = {
  id: keyIdForAccount(random, 'AKIA', '052310077262'),
  secret: fakeSecret(random),
};
const identities = [user, root, dead, expired, role];
const everyValue: FakePair[] = [
  ...identities.map((i) => ({ id: i.keyId, secret: i.secret })),
  ...identities.flatMap((i) =>
    i.sessionToken === undefined ? [] : [{ id: i.sessionToken, secret: i.sessionToken }],
  ),
  canary,
];

function creds(i: { keyId: string; secret: string; sessionToken?: string } | FakePair): string {
  const keyId = 'keyId' in i ? i.keyId : i.id;
  const token = 'sessionToken' in i && i.sessionToken !== undefined;
  return [
    '[default]',
    `aws_access_key_id = ${keyId}`,
    `aws_secret_access_key = ${i.secret}`,
    ...(token ? [`aws_session_token = ${(i as FakeIdentity).sessionToken ?? ''}`] : []),
    '',
  ].join('\n');
}

interface JsonFinding {
  ruleId: string;
  path: string;
  severity: string;
  severityReason?: string;
  keyFacts?: { account?: string; canary?: boolean };
  verification?: {
    status: string;
    account?: string;
    arn?: string;
    principal?: string;
    reason?: string;
  };
}

function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

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

function folder(files: Record<string, string>): string {
  const dir = tempDir('keyguard-verify-');
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), content);
  }
  return dir.path;
}

function env(): Record<string, string> {
  return { AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'us-east-1' };
}

function requestsFor(keyId: string): number {
  return sts.requests.filter((r) => r.keyId === keyId).length;
}

describe('keyguard tree --verify against a local STS', () => {
  it('marks a live IAM user key high with its ARN, in every format, with no raw value anywhere', async () => {
    const dir = folder({ 'deploy/.env': creds(user) });
    const outputs: string[] = [];
    for (const format of ['human', 'json', 'sarif', 'github', 'markdown', 'gitlab']) {
      const r = await runCliAsync(['tree', dir, '--verify', '--format', format], {
        cwd: dir,
        env: env(),
      });
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      outputs.push(r.stdout, r.stderr);
      expect(r.stdout, format).toContain(user.arn);
    }
    const [human = '', , json = '', , sarif = ''] = outputs;
    expect(human).toMatch(/HIGH +AWS access key pair/);
    expect(human).toContain(`verified live: IAM user ${user.arn}`);
    expect(human).toContain(`account ${user.account}`);
    const [f] = findings(json);
    expect(f).toMatchObject({
      ruleId: 'aws-access-key-pair',
      severity: 'high',
      keyFacts: { account: user.account },
      verification: { status: 'live', account: user.account, arn: user.arn, principal: 'user' },
    });
    expect(sarifErrors(JSON.parse(sarif))).toEqual([]);
    const result = JSON.parse(sarif).runs[0].results[0];
    expect(result.level).toBe('error');
    expect(result.properties.verification).toMatchObject({ status: 'live', principal: 'user' });
    expect(result.message.text).toContain(`AWS account ${user.account}`);
    expect(leaks(outputs.join('\n'), everyValue)).toEqual([]);
    expect(requestsFor(user.keyId)).toBeGreaterThan(0);
    expect(sts.requests.every((r) => r.answer === 'OK' || r.keyId !== user.keyId)).toBe(true);
  });

  it('makes a live root key critical, failing even with --fail-on critical', async () => {
    const dir = folder({ 'ops/credentials': creds(root) });
    const r = await runCliAsync(['tree', dir, '--verify', '--fail-on', 'critical'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/CRITICAL +AWS access key pair/);
    expect(r.stdout).toContain('verified live: root user');
    expect(r.stdout).toMatch(/fix: Root-user key: delete it now/);
    const j = await runCliAsync(['tree', dir, '--verify', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    expect(findings(j.stdout)[0]).toMatchObject({
      severity: 'critical',
      severityReason: 'verified live root-user key',
      verification: { status: 'live', principal: 'root', arn: root.arn },
    });
    // Without --verify the same pair is high: --fail-on critical lets it through.
    const plain = await runCliAsync(['tree', dir, '--fail-on', 'critical'], {
      cwd: dir,
      env: env(),
    });
    expect(plain.code, plain.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr + j.stdout + plain.stdout, everyValue)).toEqual([]);
  });

  it('drops an inactive key to low and an expired session token to low', async () => {
    const dir = folder({ 'a/credentials': creds(dead), 'b/credentials': creds(expired) });
    const r = await runCliAsync(['tree', dir, '--verify', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    expect(r.code, r.stderr).toBe(1);
    const pairs = findings(r.stdout).filter((f) => f.ruleId.endsWith('-pair'));
    const byPath = new Map(pairs.map((f) => [f.path, f]));
    expect(byPath.get('a/credentials')).toMatchObject({
      ruleId: 'aws-access-key-pair',
      severity: 'low',
      verification: { status: 'inactive', reason: 'InvalidClientTokenId' },
    });
    expect(byPath.get('b/credentials')).toMatchObject({
      ruleId: 'aws-temporary-credential-pair',
      severity: 'low',
      verification: { status: 'inactive', reason: 'ExpiredToken' },
    });
    // Its session token, a finding of its own, expired with it.
    expect(
      findings(r.stdout).find(
        (f) => f.ruleId === 'aws-session-token' && f.path === 'b/credentials',
      ),
    ).toMatchObject({
      severity: 'low',
      verification: { status: 'inactive', reason: 'ExpiredToken' },
    });
    expect(requestsFor(expired.keyId)).toBeGreaterThan(0);
    expect(sts.requests.find((q) => q.keyId === expired.keyId)?.hadToken).toBe(true);
    // --fail-on medium: nothing usable is left, nothing fails.
    const gate = await runCliAsync(['tree', dir, '--verify', '--fail-on', 'medium'], {
      cwd: dir,
      env: env(),
    });
    expect(gate.code, gate.stderr).toBe(0);
    expect(gate.stdout).toContain('verified inactive (InvalidClientTokenId)');
    expect(leaks(r.stdout + gate.stdout + gate.stderr, everyValue)).toEqual([]);
  });

  it('verifies a live role session (medium) with its session token', async () => {
    const dir = folder({ 'session.ini': creds(role) });
    const r = await runCliAsync(['tree', dir, '--verify', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    expect(findings(r.stdout)[0]).toMatchObject({
      ruleId: 'aws-temporary-credential-pair',
      severity: 'medium',
      verification: { status: 'live', principal: 'assumed-role' },
    });
    expect(leaks(r.stdout + r.stderr, everyValue)).toEqual([]);
  });

  it('reports a canary key as info, never contacting STS, and does not fail the gate', async () => {
    const before = sts.requests.length;
    const dir = folder({ 'bait/credentials': creds(canary) });
    const r = await runCliAsync(['tree', dir, '--verify'], { cwd: dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/INFO +AWS access key pair/);
    expect(r.stdout).toContain('account 052310077262 (likely canary token: do not use it)');
    expect(r.stdout).toMatch(/fix: Likely a canary/);
    const j = await runCliAsync(['tree', dir, '--verify', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    const [f] = findings(j.stdout);
    expect(f).toMatchObject({ severity: 'info', keyFacts: { canary: true } });
    expect(f?.verification).toBeUndefined();
    expect(sts.requests.length).toBe(before);
    expect(requestsFor(canary.id)).toBe(0);
    expect(leaks(r.stdout + r.stderr + j.stdout, everyValue)).toEqual([]);
  });

  it('contacts nobody without --verify, and sends only findings that survived the filters', async () => {
    const dir = folder({
      'live/.env': creds(user),
      'fixtures/creds.ini': creds(root),
      '.keyguard.json': JSON.stringify({
        allowlist: { paths: [{ glob: 'fixtures/**', reason: 'test data' }] },
      }),
    });
    const before = sts.requests.length;
    const plain = await runCliAsync(['tree', dir, '--format', 'json'], { cwd: dir, env: env() });
    expect(plain.code, plain.stderr).toBe(1);
    expect(findings(plain.stdout)[0]?.verification).toBeUndefined();
    expect(sts.requests.length).toBe(before);
    const r = await runCliAsync(['tree', dir, '--verify', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    const sent = sts.requests.slice(before).map((q) => q.keyId);
    expect(sent).toContain(user.keyId);
    expect(sent).not.toContain(root.keyId);
    expect(findings(r.stdout).map((f) => f.path)).toEqual(['live/.env']);
  });

  it('verifies on one thread when --jobs asks for workers', async () => {
    const dir = folder({ 'a/.env': creds(user), 'b/.env': creds(dead), 'c.txt': 'hello\n' });
    const r = await runCliAsync(['tree', dir, '--verify', '--jobs', '4', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    const statuses = findings(r.stdout).map((f) => f.verification?.status);
    expect(statuses).toEqual(['live', 'inactive']);
  });

  it('never verifies in the pre-commit gate unless --verify is passed', async () => {
    const dir = folder({});
    const git = (...args: string[]) => {
      const g = spawnSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: dir },
      });
      if (g.status !== 0) throw new Error(`git ${args.join(' ')}: ${g.stderr}`);
    };
    git('init', '-q');
    writeFileSync(join(dir, 'app.env'), creds(user));
    git('add', 'app.env');
    const before = sts.requests.length;
    const staged = await runCliAsync(['staged', '--format', 'json'], { cwd: dir, env: env() });
    expect(staged.code, staged.stderr).toBe(1);
    expect(findings(staged.stdout)[0]?.verification).toBeUndefined();
    expect(sts.requests.length).toBe(before);
    const opted = await runCliAsync(['staged', '--verify', '--format', 'json'], {
      cwd: dir,
      env: env(),
    });
    expect(findings(opted.stdout)[0]?.verification?.status).toBe('live');
    expect(sts.requests.length).toBeGreaterThan(before);
  });

  it('rejects a plain-http STS endpoint that is not on this machine (exit 2, one line)', async () => {
    const dir = folder({ '.env': creds(user) });
    const r = await runCliAsync(['tree', dir, '--verify'], {
      cwd: dir,
      env: { AWS_ENDPOINT_URL_STS: 'http://sts.example.com' },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('AWS_ENDPOINT_URL_STS');
  });
});

describe('keyguard audit-aws-config --verify', () => {
  it('names a live root key in ~/.aws/credentials as critical, without printing any secret', async () => {
    const home = folder({
      '.aws/credentials': `${creds(root)}\n[ci]\naws_access_key_id = ${user.keyId}\naws_secret_access_key = ${user.secret}\n`,
    });
    const r = await runCliAsync(['audit-aws-config', '--verify'], {
      env: {
        ...env(),
        HOME: home,
        AWS_SHARED_CREDENTIALS_FILE: undefined,
        AWS_CONFIG_FILE: undefined,
      },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/\[default\] +CRITICAL/);
    expect(r.stdout).toContain(`ROOT USER key of account ${root.account}`);
    expect(r.stdout).toContain(`verified live: user ${user.arn}`);
    expect(r.stdout).toContain('(1 root)');
    const j = await runCliAsync(['audit-aws-config', '--verify', '--format', 'json'], {
      env: {
        ...env(),
        HOME: home,
        AWS_SHARED_CREDENTIALS_FILE: undefined,
        AWS_CONFIG_FILE: undefined,
      },
    });
    const report = JSON.parse(j.stdout);
    expect(report.summary).toMatchObject({ longTermKeys: 2, rootKeys: 1 });
    expect(leaks(r.stdout + r.stderr + j.stdout + j.stderr, everyValue)).toEqual([]);
  });
});
