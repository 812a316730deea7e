import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), content);
  }
  return dir.path;
}

interface JsonFinding {
  ruleId: string;
  line: number;
  pairedBy?: string;
  decodedFrom?: string[];
}
interface JsonReport {
  findings: JsonFinding[];
  suppressed: { count: number; byKind: Record<string, number>; items: { entry: string }[] };
}
const json = (s: string) => JSON.parse(s) as JsonReport;

beforeAll(assertBuilt);

describe('what a finding says about how it was found', () => {
  it('says why a pair was made, in JSON and in the human report', () => {
    const p = fakePair();
    const dir = folder({
      'creds.ini': `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`,
      'App.java': `new BasicAWSCredentials("${p.id}", "${p.secret}");\n`,
    });
    const r = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => [f.ruleId, f.pairedBy])).toEqual([
      ['aws-access-key-pair', 'same-statement'],
      ['aws-access-key-pair', 'label'],
    ]);
    const human = runCli(['tree', dir], { cwd: dir });
    expect(human.stdout).toContain('(the secret is named as an AWS secret)');
    expect(human.stdout).toContain('(the secret follows the key ID in the same statement)');
    expect(leaks(r.stdout + human.stdout, [p])).toEqual([]);
  });
});

describe('inline markers of other scanners', () => {
  it('count as inline suppressions, unless --no-other-markers or "otherMarkers": false', () => {
    const p = fakePair();
    const files = {
      'a.py': `KEY_ID = "${p.id}"  # gitleaks:allow\n`,
      'b.py': `SECRET = "${p.secret}"  # pragma: allowlist secret\nKEY = "${fakePair().id}"\n`,
    };
    const dir = folder(files);
    const r = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const j = json(r.stdout);
    expect(j.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual(['aws-access-key-id@2']);
    // b.py's secret pairs with the key ID below it: the marker suppresses the secret's half.
    expect(j.suppressed.byKind).toEqual({ pragma: 2 });
    expect(j.suppressed.items.map((s) => s.entry).sort()).toEqual([
      'gitleaks:allow',
      'pragma: allowlist secret',
    ]);

    const strict = json(
      runCli(['tree', dir, '-f', 'json', '--no-other-markers'], { cwd: dir }).stdout,
    );
    expect(strict.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual([
      'aws-access-key-id@1',
      'aws-access-key-pair@2',
    ]);
    expect(strict.suppressed.count).toBe(0);
    // Worker threads are told too.
    const threaded = runCli(['tree', dir, '-f', 'json', '--no-other-markers', '--jobs', '2'], {
      cwd: dir,
    });
    expect(json(threaded.stdout)).toMatchObject({
      findings: strict.findings,
      suppressed: { count: 0 },
    });
    const configured = folder({ ...files, '.keyguard.json': '{ "otherMarkers": false }\n' });
    expect(
      json(runCli(['tree', configured, '-f', 'json'], { cwd: configured }).stdout).suppressed.count,
    ).toBe(0);
  });
});
