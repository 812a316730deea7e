import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, fakeSecret, fakeSessionToken } from '../../src/rules/expand-placeholders.js';
import { type FakePair, leaks } from '../helpers/fake-keys.js';
import { keyIdForAccount } from '../helpers/fake-sts.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

const random = createRandom(9191);
const ACCOUNT = '640987654321';
const longTerm: FakePair = {
  id: keyIdForAccount(random, 'AKIA', ACCOUNT),
  secret: fakeSecret(random),
};
const temporary: FakePair = {
  id: keyIdForAccount(random, 'ASIA', ACCOUNT),
  secret: fakeSecret(random),
};
const token = fakeSessionToken(random);
const canary: FakePair = {
  id: keyIdForAccount(random, 'AKIA', '052310077262'),
  secret: fakeSecret(random),
};
const all = [longTerm, temporary, canary, { id: token, secret: token }];

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => {
  assertBuilt();
});

/** A fake HOME with the given files under it. */
function home(files: Record<string, string>): string {
  const dir = tempDir('keyguard-home-');
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), content, { mode: 0o600 });
  }
  return dir.path;
}

function envFor(h: string): Record<string, string | undefined> {
  return { HOME: h, AWS_SHARED_CREDENTIALS_FILE: undefined, AWS_CONFIG_FILE: undefined };
}

const CREDENTIALS = [
  '[default]',
  `aws_access_key_id = ${longTerm.id}`,
  `aws_secret_access_key = ${longTerm.secret}`,
  '',
  '[session]',
  `aws_access_key_id = ${temporary.id}`,
  `aws_secret_access_key = ${temporary.secret}`,
  `aws_session_token = ${token}`,
  '',
  '[bait]',
  `aws_access_key_id = ${canary.id}`,
  `aws_secret_access_key = ${canary.secret}`,
  '',
].join('\n');

const CONFIG = [
  '[profile dev]',
  'sso_session = corp',
  'sso_account_id = 640987654321',
  'sso_role_name = Developer',
  '',
  '[profile admin]',
  'role_arn = arn:aws:iam::640987654321:role/Admin',
  'source_profile = default',
  '',
].join('\n');

describe('keyguard audit-aws-config', () => {
  it('reports long-term plaintext keys with their account and what to move to (exit 1), never a secret', () => {
    const h = home({ '.aws/credentials': CREDENTIALS, '.aws/config': CONFIG });
    const r = runCli(['audit-aws-config'], { env: envFor(h) });
    expect(r.code, r.stderr).toBe(1);
    const out = r.stdout;
    expect(out).toContain(join(h, '.aws/credentials'));
    expect(out).toMatch(/\[default\] +HIGH +static-keys/);
    expect(out).toContain(`long-term · account ${ACCOUNT}`);
    expect(out).toContain('long-term access key stored in plaintext (credentials file line 2)');
    expect(out).toContain('aws configure sso');
    expect(out).toContain('aws-vault');
    expect(out).toMatch(/\[session\] +MEDIUM/);
    expect(out).toContain('account 052310077262 (likely canary token: do not use it)');
    expect(out).toMatch(/\[dev\] +ok +sso/);
    expect(out).toMatch(/\[admin\] +MEDIUM +assume-role/);
    expect(out).toContain("assumes its role with the long-term key of profile 'default'");
    expect(out).toContain('✖ 1 long-term access key in plaintext');
    expect(leaks(r.stdout + r.stderr, all)).toEqual([]);
  });

  it('writes JSON with files, profiles and a summary', () => {
    const h = home({ '.aws/credentials': CREDENTIALS, '.aws/config': CONFIG });
    const r = runCli(['audit-aws-config', '--format', 'json'], { env: envFor(h) });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({
      profiles: 5,
      longTermKeys: 1,
      temporaryKeys: 1,
      canaries: 1,
      rootKeys: 0,
    });
    const byName = new Map(report.profiles.map((p: { name: string }) => [p.name, p]));
    expect(byName.get('default')).toMatchObject({
      risk: 'high',
      staticKeys: { longTerm: true, keyFacts: { account: ACCOUNT }, line: 2 },
    });
    expect(report.files.map((f: { kind: string; exists: boolean }) => [f.kind, f.exists])).toEqual([
      ['credentials', true],
      ['config', true],
    ]);
    expect(leaks(r.stdout + r.stderr, all)).toEqual([]);
  });

  it('exits 0 on SSO-only files and when there are no AWS files at all', () => {
    const sso = home({ '.aws/config': CONFIG.split('[profile admin]')[0] ?? '' });
    const r = runCli(['audit-aws-config'], { env: envFor(sso) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('✔ no long-term access key in plaintext');
    const empty = home({});
    const none = runCli(['audit-aws-config'], { env: envFor(empty) });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('not found');
  });

  it('honours AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE, and explicit paths', () => {
    const h = home({ 'elsewhere/creds': CREDENTIALS, 'elsewhere/cfg-config': CONFIG });
    const byEnv = runCli(['audit-aws-config', '--format', 'json'], {
      env: {
        HOME: h,
        AWS_SHARED_CREDENTIALS_FILE: join(h, 'elsewhere/creds'),
        AWS_CONFIG_FILE: join(h, 'elsewhere/cfg-config'),
      },
    });
    expect(byEnv.code, byEnv.stderr).toBe(1);
    expect(JSON.parse(byEnv.stdout).summary.profiles).toBe(5);
    const byPath = runCli(
      ['audit-aws-config', join(h, 'elsewhere/creds'), join(h, 'elsewhere/cfg-config')],
      { env: envFor(home({})) },
    );
    expect(byPath.code, byPath.stderr).toBe(1);
    expect(byPath.stdout).toMatch(/credentials +.*elsewhere\/creds \(found/);
    expect(byPath.stdout).toMatch(/config +.*elsewhere\/cfg-config \(found/);
    const onlyConfig = runCli(['audit-aws-config', join(h, 'elsewhere/cfg-config')], {
      env: envFor(h),
    });
    expect(onlyConfig.code, onlyConfig.stderr).toBe(0);
    expect(onlyConfig.stdout).not.toContain('creds');
  });

  it('warns when a file holding keys is readable by others', () => {
    const h = home({ '.aws/credentials': CREDENTIALS });
    chmodSync(join(h, '.aws/credentials'), 0o644);
    const r = runCli(['audit-aws-config'], { env: envFor(h) });
    expect(r.stderr).toContain('readable by other users (chmod 600)');
  });

  it('fails with exit 2 and one line on a missing file, a directory, or a bad format', () => {
    const h = home({ '.aws/credentials': CREDENTIALS });
    const missing = runCli(['audit-aws-config', join(h, 'nope/credentials')], { env: envFor(h) });
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope/credentials');
    const dir = runCli(['audit-aws-config', join(h, '.aws')], { env: envFor(h) });
    expect(dir.code, dir.stderr).toBe(2);
    expect(dir.stderr).toContain('EISDIR');
    const format = runCli(['audit-aws-config', '--format', 'sarif'], { env: envFor(h) });
    expect(format.code, format.stderr).toBe(2);
    expect(format.stderr).toContain("option '--format' takes one of human, json, not 'sarif'");
    const two = runCli(
      ['audit-aws-config', join(h, '.aws/credentials'), join(h, '.aws/credentials')],
      { env: envFor(h) },
    );
    expect(two.code, two.stderr).toBe(2);
    expect(leaks(missing.stderr + dir.stderr + format.stderr + two.stderr, all)).toEqual([]);
  });
});
