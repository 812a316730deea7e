import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/action-repos.js';
import { type FakePair, fakePair, leaks } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';
import { parseXml } from '../helpers/xml-check.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

beforeAll(() => {
  assertBuilt();
});

function sample(): { dir: string; pairs: FakePair[] } {
  const a = fakePair();
  const b = fakePair();
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  writeFileSync(
    join(dir.path, 'creds.ini'),
    `[default]\naws_access_key_id = ${a.id}\naws_secret_access_key = ${a.secret}\n`,
  );
  writeFileSync(join(dir.path, 'app.ts'), `const id = '${b.id}';\n`);
  return { dir: dir.path, pairs: [a, b] };
}

describe('--format on the built CLI', () => {
  it('sarif: schema-valid, redacted, exit 1 on findings', () => {
    const { dir, pairs } = sample();
    const r = runCli(['tree', '--format', 'sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout, pairs)).toEqual([]);
    const log = JSON.parse(r.stdout);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results.length).toBe(2);
  });

  it('github: one workflow command per finding', () => {
    const { dir, pairs } = sample();
    const r = runCli(['tree', '-f', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout, pairs)).toEqual([]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => /^::(\w+) file=([^,]+),line=(\d+)/.exec(l)?.slice(1))).toEqual([
      ['error', 'creds.ini', '2'],
      ['warning', 'app.ts', '1'],
    ]);
  });

  it('markdown: a summary table', () => {
    const { dir, pairs } = sample();
    const r = runCli(['tree', '-f', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout, pairs)).toEqual([]);
    expect(r.stdout).toContain('| Severity | Finding | Location | Value | Commit |');
  });

  it('gitlab: a secret-detection report, to a file with --output', () => {
    const { dir, pairs } = sample();
    const r = runCli(['tree', '-f', 'gitlab', '-o', 'gl-secret-detection-report.json'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 findings written to gl-secret-detection-report.json');
    const text = readFileSync(join(dir, 'gl-secret-detection-report.json'), 'utf8');
    expect(leaks(text, pairs)).toEqual([]);
    const report = JSON.parse(text);
    expect(report.scan.type).toBe('secret_detection');
    expect(report.vulnerabilities.map((v: { severity: string }) => v.severity).sort()).toEqual([
      'High',
      'Low',
    ]);
  });

  it('history scans carry the commit into SARIF, annotations, the summary and the GitLab report', () => {
    const s = createSandbox();
    cleanups.push(s.cleanup);
    const p = fakePair();
    s.commit({ 'a.md': 'x\n' }, 'first');
    const added = s.commit(
      { 'k.ini': `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n` },
      'add',
    );
    s.commit({ 'k.ini': null }, 'remove');
    const run = (format: string) =>
      runCli(['history', 'HEAD~2..HEAD', '-f', format], { cwd: s.author, env: s.env });
    const sarif = run('sarif');
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout);
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].results[0].properties.commit).toBe(added);
    expect(log.runs[0].results[0].message.text).toContain(`commit ${added.slice(0, 12)}`);
    expect(run('github').stdout).toContain(`commit ${added.slice(0, 12)}`);
    expect(run('markdown').stdout).toContain(`\`${added.slice(0, 12)}\``);
    const gitlab = JSON.parse(run('gitlab').stdout);
    expect(gitlab.vulnerabilities[0].location.commit.sha).toBe(added);
    for (const f of ['sarif', 'github', 'markdown', 'gitlab'])
      expect(leaks(run(f).stdout, [p])).toEqual([]);
  });

  it('an unknown format is a usage error (exit 2) listing the formats there are', () => {
    const { dir } = sample();
    const r = runCli(['tree', '-f', 'xml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "keyguard: option '--format' takes one of human, json, sarif, github, markdown, gitlab, csv, junit, template, not 'xml'\n",
    );
  });

  it('csv: a header and one row per finding; a hostile file name is not a formula', () => {
    const { dir, pairs } = sample();
    const name = '=HYPERLINK("http:,,evil","click").ini';
    writeFileSync(join(dir, name), readFileSync(join(dir, 'creds.ini')));
    const r = runCli(['tree', '-f', 'csv'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout, pairs)).toEqual([]);
    const rows = r.stdout.split('\r\n');
    expect(rows[0]?.startsWith('severity,ruleId,title,path,line,')).toBe(true);
    expect(rows.at(-1)).toBe('');
    expect(rows.length).toBe(1 + 3 + 1);
    // RFC 4180: the name is quoted (it holds quotes and commas) and starts with the neutralising '.
    expect(r.stdout).toContain(`"'=HYPERLINK(""http:,,evil"",""click"").ini"`);
    expect(r.stdout).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('junit: well-formed JUnit XML whose failures follow the exit code', () => {
    const { dir, pairs } = sample();
    const r = runCli(['tree', '-f', 'junit', '-o', 'keyguard.xml'], { cwd: dir });
    expect(r.code).toBe(1);
    const xml = readFileSync(join(dir, 'keyguard.xml'), 'utf8');
    expect(leaks(xml, pairs)).toEqual([]);
    const { problems, root } = parseXml(xml);
    expect(problems).toEqual([]);
    expect(root?.attrs).toMatchObject({ tests: '2', failures: '2', errors: '0' });
    // Below the gate: passing test cases that say so, exit 0.
    const high = runCli(['tree', '-f', 'junit', '--fail-on', 'critical'], { cwd: dir });
    expect(high.code).toBe(0);
    expect(parseXml(high.stdout).root?.attrs).toMatchObject({ failures: '0', errors: '0' });
    expect(high.stdout).toContain('below --fail-on critical: not failing');
  });

  it("template: the user's layout; a bad template fails before the scan, naming the line", () => {
    const { dir, pairs } = sample();
    const tpl = tempDir();
    cleanups.push(tpl.cleanup);
    const file = join(tpl.path, 'slack.tpl');
    writeFileSync(
      file,
      '{"text": {{summary | json}}, "items": [{{#findings}}{{path | json}},{{/findings}}null]}\n',
    );
    const r = runCli(['tree', '-f', 'template', '--template', file], { cwd: dir });
    expect(r.code).toBe(1);
    expect(leaks(r.stdout, pairs)).toEqual([]);
    expect(JSON.parse(r.stdout)).toEqual({
      text: '2 findings (1 high, 1 low)',
      items: ['app.ts', 'creds.ini', null],
    });
    // --template alone implies the template format.
    expect(runCli(['tree', '--template', file], { cwd: dir }).stdout).toBe(r.stdout);
    writeFileSync(file, 'ok\n{{#findings}}{{path}} {{secret}}{{/findings}}\n');
    const bad = runCli(['tree', '--template', file], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^keyguard: --template .*slack\.tpl: line 2: unknown placeholder 'secret'/,
    );
    expect(bad.stdout).toBe('');
    const none = runCli(['tree', '-f', 'template'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("keyguard: '--format template' needs '--template <file>'\n");
    const other = runCli(['tree', '-f', 'json', '--template', file], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe("keyguard: option '--template' is for '--format template'\n");
    const missing = runCli(['tree', '--template', 'nope.tpl'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('keyguard: cannot read --template nope.tpl: ENOENT\n');
  });
});
