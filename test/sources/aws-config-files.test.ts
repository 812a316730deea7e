import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, fakeSecret } from '../../src/rules/expand-placeholders.js';
import {
  type AuditCredential,
  auditAwsConfigFiles,
  auditAwsConfigText,
  awsConfigPaths,
} from '../../src/sources/aws-config-files.js';
import { keyIdForAccount, makeIdentity } from '../helpers/fake-sts.js';

const random = createRandom(4242);
const longTerm = makeIdentity(random, 'user');
const temporary = makeIdentity(random, 'role');
const canaryKey = keyIdForAccount(random, 'AKIA', '534261010715');
const canarySecret = fakeSecret(random);

const credentialsText = [
  '# written by aws configure',
  '[default]',
  `aws_access_key_id = ${longTerm.keyId}`,
  `AWS_Secret_Access_Key=${longTerm.secret}`,
  'region = eu-west-1',
  '',
  '[saml]',
  `aws_access_key_id = ${temporary.keyId}`,
  `aws_secret_access_key = ${temporary.secret}`,
  `aws_session_token = ${temporary.sessionToken ?? ''}`,
  '',
  '[decoy]',
  `aws_access_key_id = ${canaryKey}`,
  `aws_secret_access_key = ${canarySecret}`,
  '',
  '[half]',
  `aws_access_key_id = ${longTerm.keyId}`,
].join('\n');

const configText = [
  '[default]',
  'region = eu-west-1',
  'output = json',
  's3 =',
  '  max_concurrent_requests = 20',
  '',
  '[profile sso-dev]',
  'sso_session = corp',
  'sso_account_id = 111122223333',
  'sso_role_name = Developer',
  '',
  '[sso-session corp]',
  'sso_start_url = https://corp.awsapps.com/start',
  'sso_region = eu-west-1',
  '',
  '[profile admin]',
  'role_arn = arn:aws:iam::111122223333:role/Admin',
  'source_profile = default',
  '',
  '[profile admin-mfa]',
  'role_arn = arn:aws:iam::111122223333:role/Admin',
  'source_profile = default',
  'mfa_serial = arn:aws:iam::111122223333:mfa/me',
  '',
  '[profile vault]',
  'credential_process = "/usr/local/bin/aws-vault" exec work --json --secret=hunter2',
  '',
  '[profile ec2]',
  'role_arn = arn:aws:iam::111122223333:role/App',
  'credential_source = Ec2InstanceMetadata',
  '',
  '[profile ghost]',
  'role_arn = arn:aws:iam::111122223333:role/X',
  'source_profile = missing',
].join('\r\n');

function audit(onCredential?: (c: AuditCredential) => void) {
  return auditAwsConfigText(
    {
      credentials: { path: '/h/.aws/credentials', text: credentialsText },
      config: { path: '/h/.aws/config', text: configText },
    },
    onCredential === undefined ? {} : { onCredential },
  );
}

function profile(name: string) {
  const p = audit().profiles.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no profile ${name}`);
  return p;
}

describe('auditAwsConfigText', () => {
  it('lists every profile of both files, default first, without sso-session sections', () => {
    expect(audit().profiles.map((p) => p.name)).toEqual([
      'default',
      'admin',
      'admin-mfa',
      'decoy',
      'ec2',
      'ghost',
      'half',
      'saml',
      'sso-dev',
      'vault',
    ]);
    expect(profile('default').definedIn).toEqual(['credentials', 'config']);
  });

  it('reports a long-term plaintext key as high, redacted, with the decoded account and what to move to', () => {
    const p = profile('default');
    expect(p.risk).toBe('high');
    expect(p.sources).toEqual(['static-keys']);
    expect(p.staticKeys).toEqual({
      file: 'credentials',
      path: '/h/.aws/credentials',
      line: 3,
      accessKeyId: `${longTerm.keyId.slice(0, 4)}${'*'.repeat(12)}${longTerm.keyId.slice(-4)}`,
      keyFacts: { prefix: 'AKIA', account: longTerm.account },
      longTerm: true,
      hasSecret: true,
      hasSessionToken: false,
    });
    expect(p.issues).toEqual([
      'long-term access key stored in plaintext (credentials file line 3)',
    ]);
    expect(p.advice.join('\n')).toMatch(/aws configure sso/);
    expect(p.advice.join('\n')).toMatch(/aws-vault/);
    expect(p.advice.join('\n')).toMatch(/90 days/);
    expect(p.region).toBe('eu-west-1');
  });

  it('temporary credentials are medium; canaries are low and flagged; a lone key ID is noted', () => {
    expect(profile('saml')).toMatchObject({
      risk: 'medium',
      staticKeys: {
        longTerm: false,
        hasSessionToken: true,
        keyFacts: { prefix: 'ASIA', account: temporary.account },
      },
    });
    expect(profile('decoy')).toMatchObject({
      risk: 'low',
      staticKeys: { keyFacts: { account: '534261010715', canary: true } },
    });
    expect(profile('decoy').issues[0]).toMatch(/canary/);
    expect(profile('half').issues).toContain('aws_access_key_id without aws_secret_access_key');
  });

  it('recognises SSO, roles, credential_process (program name only) and credential_source', () => {
    expect(profile('sso-dev')).toMatchObject({
      sources: ['sso'],
      sso: 'corp',
      risk: 'none',
      issues: [],
    });
    expect(profile('vault')).toMatchObject({
      sources: ['credential-process'],
      credentialProcess: 'aws-vault',
      risk: 'none',
    });
    expect(profile('ec2')).toMatchObject({
      sources: ['assume-role', 'credential-source'],
      risk: 'none',
    });
    expect(JSON.stringify(audit())).not.toContain('hunter2');
  });

  it('flags roles assumed with a long-term key, asking for MFA when it is missing', () => {
    const admin = profile('admin');
    expect(admin.risk).toBe('medium');
    expect(admin.issues).toContain("assumes its role with the long-term key of profile 'default'");
    expect(admin.advice.some((a) => a.includes('mfa_serial'))).toBe(true);
    const withMfa = profile('admin-mfa');
    expect(withMfa.mfa).toBe(true);
    expect(withMfa.advice.some((a) => a.includes('mfa_serial'))).toBe(false);
  });

  it('summarises and warns about undefined source profiles', () => {
    const result = audit();
    expect(result.summary).toEqual({
      profiles: 10,
      longTermKeys: 2,
      temporaryKeys: 1,
      canaries: 1,
    });
    expect(result.warnings).toContain("profile 'ghost': source_profile 'missing' is not defined");
  });

  it('never returns a raw secret or key ID; raw keys go only to the opt-in callback', () => {
    const text = JSON.stringify(audit());
    for (const value of [
      longTerm.keyId,
      longTerm.secret,
      temporary.keyId,
      temporary.secret,
      canaryKey,
      canarySecret,
    ]) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toContain(temporary.sessionToken);

    const handed: AuditCredential[] = [];
    audit((c) => handed.push(c));
    expect(handed.map((c) => c.profile)).toEqual(['default', 'decoy', 'saml']);
    expect(handed[0]).toMatchObject({ keyId: longTerm.keyId, secret: longTerm.secret });
    expect(handed[0]?.fingerprint).toMatch(/^aws-config:[0-9a-f]{32}$/);
    expect(handed[2]?.sessionToken).toBe(temporary.sessionToken);
  });

  it('warns about duplicate sections, stray and indented key lines; config [name] without profile is ignored', () => {
    const result = auditAwsConfigText({
      credentials: {
        path: 'c',
        text: `stray = 1\n[a]\nregion = x\n[a]\nnonsense\n  aws_secret_access_key = ${fakeSecret(random)}\n`,
      },
      config: { path: 'f', text: '[notaprofile]\nregion = x\n[profile b]\nregion = y\n' },
    });
    expect(result.profiles.map((p) => p.name)).toEqual(['a', 'b']);
    expect(result.warnings).toEqual([
      'c:1: setting outside any profile section',
      "c:4: section for profile 'a' appears twice",
      'c:5: not a setting (expected name = value)',
      'c:6: indented key setting is ignored by the AWS CLI but still on disk',
    ]);
  });
});

describe('awsConfigPaths', () => {
  it('defaults to ~/.aws and honours the override variables, expanding ~', () => {
    expect(awsConfigPaths({}, '/home/me')).toEqual({
      credentials: join('/home/me', '.aws', 'credentials'),
      config: join('/home/me', '.aws', 'config'),
    });
    expect(
      awsConfigPaths(
        { AWS_SHARED_CREDENTIALS_FILE: '~/creds', AWS_CONFIG_FILE: '/etc/aws' },
        '/home/me',
      ),
    ).toEqual({
      credentials: join('/home/me', 'creds'),
      config: '/etc/aws',
    });
  });
});

describe('auditAwsConfigFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyguard-aws-'));
    writeFileSync(join(dir, 'credentials'), credentialsText);
    chmodSync(join(dir, 'credentials'), 0o644);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads present files, tolerates missing ones and warns about readable key files', async () => {
    const paths = { credentials: join(dir, 'credentials'), config: join(dir, 'config') };
    const result = await auditAwsConfigFiles(paths);
    expect(result.files.map((f) => [f.kind, f.exists])).toEqual([
      ['credentials', true],
      ['config', false],
    ]);
    expect(result.summary.longTermKeys).toBe(2);
    if (platform() !== 'win32') {
      expect(result.files[0]?.mode).toBe(0o644);
      expect(result.warnings).toContain(
        `${join(dir, 'credentials')}: holds keys and is readable by other users (chmod 600)`,
      );
      chmodSync(join(dir, 'credentials'), 0o600);
      const tight = await auditAwsConfigFiles(paths);
      expect(tight.warnings.some((w) => w.includes('chmod'))).toBe(false);
    }
  });
});
