import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { type FakePair, leaks } from '../helpers/fake-keys.js';
import { keyIdForAccount } from '../helpers/fake-sts.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

const OURS = '310987654321';
const SANDBOX = '420987654321';
const OTHER = '530987654321';
const random = createRandom(7070);

function pairIn(account: string): FakePair {
  return { id: keyIdForAccount(random, 'AKIA', account), secret: fakeSecret(random) };
}

function creds(p: FakePair): string {
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

interface Report {
  findings: {
    path: string;
    ruleId: string;
    severity: string;
    severityReason?: string;
    keyFacts?: { account?: string };
  }[];
  suppressed: {
    count: number;
    byKind: Record<string, number>;
    items: { path: string; by: string; entry: string; reason: string }[];
  };
  warnings: { message: string }[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => {
  assertBuilt();
});

function folder(files: Record<string, string>): string {
  const dir = tempDir('keyguard-accounts-');
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), content);
  }
  return dir.path;
}

describe('accounts in .keyguard.json', () => {
  const ours = pairIn(OURS);
  const sandbox = pairIn(SANDBOX);
  const other = pairIn(OTHER);
  const loneOurs = pairIn(OURS);

  it('escalates own accounts one level and says so; suppresses allowed accounts as account:<id>', () => {
    const dir = folder({
      'prod/.env': creds(ours),
      'sandbox/.env': creds(sandbox),
      'other/.env': creds(other),
      'ids.txt': `key id only: ${loneOurs.id}\n`,
      '.keyguard.json': JSON.stringify({
        accounts: {
          own: [{ id: OURS, reason: 'production' }],
          allow: [{ id: SANDBOX, reason: 'LocalStack sandbox' }],
        },
      }),
    });
    const r = runCli(['tree', dir, '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    const byPath = new Map(report.findings.map((f) => [f.path, f]));
    expect(byPath.get('prod/.env')).toMatchObject({
      ruleId: 'aws-access-key-pair',
      severity: 'critical',
      keyFacts: { account: OURS },
    });
    expect(byPath.get('prod/.env')?.severityReason).toContain(
      `account ${OURS} is one of ours (production)`,
    );
    expect(byPath.get('ids.txt')).toMatchObject({
      ruleId: 'aws-access-key-id',
      severity: 'medium',
    });
    expect(byPath.get('other/.env')).toMatchObject({ severity: 'high' });
    expect(byPath.get('other/.env')?.severityReason).toBeUndefined();
    expect(byPath.has('sandbox/.env')).toBe(false);
    expect(report.suppressed.count).toBe(1);
    expect(report.suppressed.byKind).toEqual({ allowlist: 1 });
    expect(report.suppressed.items[0]).toMatchObject({
      path: 'sandbox/.env',
      by: 'allowlist',
      entry: `account:${SANDBOX}`,
      reason: 'LocalStack sandbox',
    });

    const human = runCli(['tree', dir, '--verbose'], { cwd: dir });
    expect(human.stdout).toMatch(/prod\/\.env:\d+:\d+ +CRITICAL/);
    expect(human.stdout).toContain(
      `severity critical: key ID with its secret: treat as live; account ${OURS} is one of ours (production)`,
    );
    expect(human.stdout).toContain(`by allowlist account:${SANDBOX} (LocalStack sandbox)`);
    expect(human.stdout).toMatch(/1 suppressed/);
    const sarif = runCli(['tree', dir, '--format', 'sarif'], { cwd: dir });
    expect(sarif.stdout).toContain(`one of ours (production)`);
    const all = [r, human, sarif].map((x) => x.stdout + x.stderr).join('\n');
    expect(leaks(all, [ours, sandbox, other, loneOurs])).toEqual([]);
  });

  it('stops applying expired account entries and warns about each', () => {
    const dir = folder({
      'prod/.env': creds(ours),
      'sandbox/.env': creds(sandbox),
      '.keyguard.json': JSON.stringify({
        accounts: {
          own: [{ id: OURS, reason: 'production', expires: '2020-01-01' }],
          allow: [{ id: SANDBOX, reason: 'old sandbox', expires: '2020-01-01' }],
        },
      }),
    });
    const r = runCli(['tree', dir, '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.findings.map((f) => [f.path, f.severity])).toEqual([
      ['prod/.env', 'high'],
      ['sandbox/.env', 'high'],
    ]);
    expect(report.suppressed.count).toBe(0);
    expect(r.stderr).toContain(
      '#/accounts/allow/0: account entry expired on 2020-01-01 and no longer applies',
    );
    expect(r.stderr).toContain(
      '#/accounts/own/0: account entry expired on 2020-01-01 and no longer applies',
    );
  });

  it('shows "not decodable (legacy key ID)" for legacy key IDs', () => {
    // A fifth character of I or J marks the legacy format that carries no account.
    const legacy = { id: `AKIAI${pairIn(OTHER).id.slice(5)}`, secret: fakeSecret(random) };
    const dir = folder({ 'old.env': creds(legacy) });
    const human = runCli(['tree', dir], { cwd: dir });
    expect(human.stdout).toContain('account not decodable (legacy key ID)');
    const sarif = runCli(['tree', dir, '--format', 'sarif'], { cwd: dir });
    expect(sarif.stdout).toContain('AWS account not decodable (legacy key ID).');
    const md = runCli(['tree', dir, '--format', 'markdown'], { cwd: dir });
    expect(md.stdout).toContain('not decodable (legacy key ID)');
    expect(leaks(human.stdout + sarif.stdout + md.stdout, [legacy])).toEqual([]);
  });
});
