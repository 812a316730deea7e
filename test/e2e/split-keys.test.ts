import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

// Keys written in pieces, found by the built CLI on real files: at the first piece, with a note
// that the value was assembled, and no piece of it in any output format.

const FORMATS = ['human', 'json', 'sarif', 'github', 'markdown', 'gitlab'] as const;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => {
  assertBuilt();
});

function write(name: string, text: string): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  writeFileSync(join(dir.path, name), text);
  return dir.path;
}

/** Every 8 characters of both values: a piece, or most of one, must never show. */
function forbidden(p: FakePair): string[] {
  const out: string[] = [];
  for (const v of [p.id, p.secret])
    for (let i = 0; i + 8 <= v.length; i++) out.push(v.slice(i, i + 8));
  return out;
}

interface JsonFinding {
  ruleId: string;
  line: number;
  column: number;
  assembled?: string;
  decoded?: string;
}

describe('split keys on the built CLI', () => {
  it('a pair joined with + is found at its first piece, assembled, in every format', () => {
    const p = fakePair();
    const text = [
      'package main',
      '',
      'func creds() *credentials.Credentials {',
      `\treturn credentials.NewStaticCredentials("${p.id.slice(0, 4)}"+"${p.id.slice(4)}",`,
      `\t\t"${p.secret.slice(0, 20)}"+"${p.secret.slice(20)}", "")`,
      '}',
      '',
    ].join('\n');
    const dir = write('main.go', text);
    const json = runCli(['tree', 'main.go', '--format', 'json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(1);
    const findings = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => [f.ruleId, f.line, f.column, f.assembled, f.decoded])).toEqual([
      ['aws-access-key-pair', 4, 43, 'concatenated', undefined],
    ]);
    for (const format of [...FORMATS, 'csv', 'junit']) {
      const r = runCli(['tree', 'main.go', '--format', format], { cwd: dir });
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      const out = r.stdout + r.stderr;
      for (const piece of forbidden(p)) expect(out, `${format} leaks`).not.toContain(piece);
      expect(out, `${format} says it was assembled`).toContain('concatenated');
      if (format === 'sarif') expect(sarifErrors(JSON.parse(r.stdout))).toEqual([]);
    }
  });
});
