import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

beforeAll(() => {
  assertBuilt();
});

describe('keyguard explain', () => {
  it('prints title, description, why, what to do and references for a rule', () => {
    const r = runCli(['explain', 'aws-access-key-pair']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe('aws-access-key-pair: AWS access key pair');
    expect(out).toContain('severity high');
    expect(out.split('\n')[1]).toMatch(/^=+$/);
    expect(out).toContain('Leaked AWS access key pair\n==========================\n');
    expect(out).toContain('Do now\n------\n');
    expect(out).toContain('  1. Deactivate and rotate the key now.');
    expect(out).toContain('References\n----------\n');
    expect(out).toMatch(/^ {2}• https:\/\/docs\.aws\.amazon\.com\/IAM\//m);
  });

  it('renders for the terminal: no raw Markdown, colour as the colour policy says', () => {
    const plain = runCli(['explain', 'aws-access-key-pair']).stdout;
    expect(plain).not.toMatch(/^#+ /m);
    expect(plain).not.toContain('**');
    expect(plain).not.toContain('`');
    expect(plain).not.toMatch(/<https?:/);
    expect(plain).not.toContain('\x1b');
    const forced = runCli(['explain', 'aws-access-key-pair'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(forced.stdout).toContain('\x1b[1m');
    // The text is the same, only styled.
    const unstyled = forced.stdout.replace(new RegExp(`${'\x1b'}\\[\\d+m`, 'g'), '');
    expect(unstyled).toContain('1. Deactivate and rotate the key now.');
    const flag = runCli(['explain', 'aws-access-key-pair', '--color']);
    expect(flag.stdout).toContain('\x1b[');
    const off = runCli(['explain', 'aws-access-key-pair', '--no-color'], {
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(off.stdout).toBe(plain);
  });

  it('gives the temporary-credential guidance for the ASIA rules', () => {
    const r = runCli(['explain', 'aws-temporary-credential-pair']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Leaked AWS temporary credentials\n===');
    expect(r.stdout).toMatch(/revoke/i);
  });

  it('explains every built-in rule', () => {
    for (const rule of BUILTIN_PACK.rules) {
      const r = runCli(['explain', rule.id]);
      expect(r.code, rule.id).toBe(0);
      expect(r.stdout.startsWith(`${rule.id}: ${rule.title}\n=`), rule.id).toBe(true);
    }
  });

  it('fails with exit 2 and one line listing the valid ids on an unknown id', () => {
    const r = runCli(['explain', 'aws-acess-key-pair']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("unknown rule id 'aws-acess-key-pair'");
    for (const rule of BUILTIN_PACK.rules) expect(lines[0]).toContain(rule.id);
    const none = runCli(['explain']);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toContain('needs a rule id');
  });

  it('explains rules of an extra pack given with --rules', () => {
    const dir = tempDir();
    try {
      const pack = {
        version: 1,
        name: 'extra',
        rules: [
          {
            id: 'corp-aws-key-id',
            kind: 'key-id',
            title: 'Corporate key ID',
            description: 'Key IDs in our corp format.',
            pattern: '\\b(CORP[A-Z0-9]{16})\\b',
            secretGroup: 1,
            keywords: ['CORP'],
            severity: 'low',
            remediation: 'Rotate it.',
            examples: { match: ['id CORPABCDEFGH23456789'], noMatch: ['CORP'] },
          },
        ],
      };
      const file = join(dir.path, 'extra.json');
      writeFileSync(file, JSON.stringify(pack));
      const r = runCli(['explain', 'corp-aws-key-id', '--rules', file]);
      expect(r.stderr).toBe('');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('corp-aws-key-id: Corporate key ID');
      expect(r.stdout).toContain('Key IDs in our corp format.');
      expect(r.stdout).toContain('Fix (from the rule pack): Rotate it.');
      expect(r.stdout).toContain('AWS access key ID in source\n===');
      // The same pack named by the repository's .keyguard.json: explain knows its rules too.
      writeFileSync(join(dir.path, '.keyguard.json'), JSON.stringify({ rules: ['extra.json'] }));
      const fromConfig = runCli(['explain', 'corp-aws-key-id'], { cwd: dir.path });
      expect(fromConfig.code, fromConfig.stderr).toBe(0);
      expect(fromConfig.stdout).toBe(r.stdout);
    } finally {
      dir.cleanup();
    }
  });

  it('is listed in the top-level help', () => {
    const r = runCli(['--help']);
    expect(r.stdout).toContain('explain <ruleId>');
    expect(r.stdout).toContain('audit-aws-config');
    expect(r.stdout).toContain('CloudTrail');
  });
});
