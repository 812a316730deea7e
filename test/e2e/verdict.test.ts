import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, fakeKeyId } from '../../src/rules/expand-placeholders.js';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

const PACKS = resolve(import.meta.dirname, '../../fixtures/rule-packs');
const ESC = '\x1b';
const RED = `${ESC}[31m`;
const GREEN = `${ESC}[32m`;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

beforeAll(() => {
  assertBuilt();
});

function folder(files: Readonly<Record<string, string>>): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir.path, name), text);
  return dir.path;
}

function credentials(): string {
  const p = fakePair();
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

/** The summary line: the one that starts with an icon. */
function summary(stdout: string): string {
  const icon = new RegExp(`^(?:${ESC}\\[[0-9;]*m)*[✖⚠ℹ✔]`);
  return stdout.split('\n').find((l) => icon.test(l)) ?? '';
}

describe('the summary line and the exit code come from one verdict', () => {
  it('--fail-on critical with only a high finding: exit 0 and no red cross', () => {
    const dir = folder({ 'creds.ini': credentials() });
    const r = runCli(['tree', '.', '--fail-on', 'critical'], {
      cwd: dir,
      env: { FORCE_COLOR: '1' },
    });
    expect(r.code).toBe(0);
    const line = summary(r.stdout);
    expect(line).toContain('⚠ 1 finding (1 high) below --fail-on critical: not failing');
    expect(line).not.toContain('✖');
    expect(line.startsWith(RED)).toBe(false);
  });

  it('a failing --fail-on-stale: exit 1 and a red cross, not a green tick', () => {
    const dir = folder({ 'creds.ini': credentials() });
    expect(runCli(['baseline'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'creds.ini'), 'nothing here any more\n');
    const r = runCli(['tree', '.', '--fail-on-stale'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(1);
    const line = summary(r.stdout);
    expect(line).toContain('✖ 1 stale baseline entry (--fail-on-stale)');
    expect(line).not.toContain('✔');
    expect(line).not.toContain(GREEN);
    // Without the flag the same scan passes, and says so without a cross.
    const lenient = runCli(['tree', '.'], { cwd: dir });
    expect(lenient.code).toBe(0);
    expect(summary(lenient.stdout)).toMatch(/^✔ no AWS credentials found/);
  });

  it('an info finding is not red and does not fail', () => {
    const aida = fakeKeyId(createRandom(77), 'AIDA');
    const dir = folder({
      '.keyguard.json': JSON.stringify({ enableRules: ['aws-unique-identifier'] }),
      'policy.json': `{ "UserId": "${aida}" }\n`,
    });
    const r = runCli(['tree', '.'], { cwd: dir, env: { FORCE_COLOR: '1' } });
    expect(r.code).toBe(0);
    const line = summary(r.stdout);
    expect(line).toContain('ℹ 1 finding (1 info) below --fail-on low: not failing');
    expect(r.stdout).not.toContain(RED);
  });

  it('an incomplete scan is never a tick, with or without findings, and exits 2', () => {
    // A file over a size limit the user set is left unread: the scan cannot vouch for it.
    const dir = folder({ 'big.txt': 'x'.repeat(5000), 'creds.ini': credentials() });
    const limit = ['--max-file-size', '1k'];
    const r = runCli(['tree', '.', ...limit], { cwd: dir });
    expect(r.code).toBe(2);
    expect(summary(r.stdout)).toMatch(
      /^✖ INCOMPLETE scan: not everything could be read; 1 finding \(1 high\) in what was/,
    );
    const json = JSON.parse(runCli(['tree', '.', '-f', 'json', ...limit], { cwd: dir }).stdout);
    expect(json.verdict).toMatchObject({ exitCode: 2, reason: 'incomplete' });
    const md = runCli(['tree', '.', '-f', 'markdown', ...limit], { cwd: dir });
    expect(md.code).toBe(2);
    expect(md.stdout.split('\n')[0]).toMatch(/^## ❌ keyguard: INCOMPLETE scan/);
    // Accepted: exit by the findings, and the headline says the scan was partial.
    const accepted = runCli(['tree', '.', '--allow-partial', ...limit], { cwd: dir });
    expect(accepted.code).toBe(1);
    expect(summary(accepted.stdout)).toMatch(/^✖ PARTIAL scan \(accepted\): 1 finding/);
    writeFileSync(join(dir, 'creds.ini'), 'clean now\n');
    const clean = runCli(['tree', '.', '--allow-partial', ...limit], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(summary(clean.stdout)).toMatch(
      /^⚠ PARTIAL scan \(accepted\): no AWS credentials found in what was read/,
    );
    const unaccepted = runCli(['tree', '.', ...limit], { cwd: dir });
    expect(unaccepted.code).toBe(2);
    expect(summary(unaccepted.stdout)).toMatch(
      /^✖ INCOMPLETE scan: not everything could be read ·/,
    );
  });

  it('JSON and Markdown carry the same verdict as the exit code', () => {
    const dir = folder({ 'creds.ini': credentials() });
    for (const [flags, code, icon] of [
      [[], 1, '❌'],
      [['--fail-on', 'critical'], 0, '⚠️'],
    ] as const) {
      const json = runCli(['tree', '.', '-f', 'json', ...flags], { cwd: dir });
      expect(json.code).toBe(code);
      expect(JSON.parse(json.stdout).verdict.exitCode).toBe(code);
      const md = runCli(['tree', '.', '-f', 'markdown', ...flags], { cwd: dir });
      expect(md.code).toBe(code);
      expect(md.stdout.startsWith(`## ${icon} keyguard:`)).toBe(true);
    }
  });
});

describe('rule packs: their own advice, and a summary that says what was looked for', () => {
  const TOKEN = 'DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a\n';
  const OWN = 'Revoke the token in the platform console and issue a new one from the vault.';
  const pack = () => join(PACKS, 'valid/internal-keys.json');

  it('a rule pack finding carries its own remediation in every format, never AWS advice', () => {
    const dir = folder({ 'deploy.env': TOKEN });
    const aws = /CloudTrail|rotate the key|access key|AWS account/i;
    for (const format of ['human', 'json', 'sarif', 'github', 'markdown', 'gitlab']) {
      const r = runCli(['tree', '.', '--rules', pack(), '-f', format], { cwd: dir });
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toContain(OWN);
      if (format === 'sarif') {
        const run = JSON.parse(r.stdout).runs[0];
        const result = run.results[0];
        expect(result.message.text).not.toMatch(aws);
        const rule = run.tool.driver.rules.find((x: { id: string }) => x.id === result.ruleId);
        expect(rule.help.markdown).not.toMatch(aws);
        expect(rule.properties.tags).not.toContain('aws');
      } else {
        expect(r.stdout, format).not.toMatch(aws);
      }
    }
  });

  it('says what was scanned for: the rule packs, not "no AWS credentials"', () => {
    const dir = folder({ 'readme.txt': 'hello\n' });
    const r = runCli(['tree', '.', '--rules', pack()], { cwd: dir });
    expect(r.code).toBe(0);
    expect(summary(r.stdout)).toMatch(/^✔ no secrets found \(rule packs: aws, internal\)/);
    expect(r.stdout).not.toContain('no AWS credentials');
    const md = runCli(['tree', '.', '--rules', pack(), '-f', 'markdown'], { cwd: dir });
    expect(md.stdout).toContain('no secrets found (rule packs: aws, internal)');
    const plain = runCli(['tree', '.'], { cwd: dir });
    expect(summary(plain.stdout)).toMatch(/^✔ no AWS credentials found/);
  });

  it('built-in findings keep the AWS guidance next to a rule pack', () => {
    const p = fakePair();
    const dir = folder({
      'deploy.env': TOKEN,
      'creds.ini': `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`,
    });
    const r = runCli(['tree', '.', '--rules', pack(), '-f', 'json'], { cwd: dir });
    expect(leaks(r.stdout, [p])).toEqual([]);
    const byRule = Object.fromEntries(
      JSON.parse(r.stdout).findings.map((f: { ruleId: string; remediation: string }) => [
        f.ruleId,
        f.remediation,
      ]),
    );
    expect(byRule['internal-deploy-token']).toBe(OWN);
    expect(byRule['aws-access-key-pair']).toMatch(/Deactivate and rotate the key/);
  });
});
