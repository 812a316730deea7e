import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRandom,
  fakeKeyId,
  fakeSecret,
  fakeSessionToken,
} from '../../src/rules/expand-placeholders.js';
import { inEveryFormat, rawPieces } from '../helpers/every-format.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// Shapes of keys found by the built CLI beyond `aws_secret_access_key = …` (issue 13): what each
// reports, and that no report format shows a raw value of them.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(files: Record<string, string>): string {
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
  severity: string;
  path: string;
  line: number;
  column: number;
}
const findingsOf = (stdout: string) =>
  (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.map(
    (f) => `${f.ruleId} ${f.severity} ${f.path}:${f.line}:${f.column}`,
  );

let seed = 1300;
const secret = () => fakeSecret(createRandom(seed++));

beforeAll(assertBuilt);

describe('secrets labelled without the word secret', () => {
  it('are found alone, as medium lone secrets, and shown redacted in every format', () => {
    const s = [secret(), secret(), secret(), secret()];
    const dir = folder({
      'credentials.ini': `[prod]\naws_access_key = "${s[0]}"\n`,
      '.env': `AWS_KEY=${s[1]}\nAWS_REGION=eu-west-1\n`,
      'config.yml': `storage:\n  aws_key: ${s[2]}\n`,
      'compose.yml': `environment:\n  AWS_ACCESS_KEY: "${s[3]}"\n`,
      'other.py': `CACHE_KEY = "${secret()}"\naws_request_id = "${secret()}"\n`,
    });
    const r = runCli(['tree', dir, '-f', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(findingsOf(r.stdout).sort()).toEqual([
      'aws-secret-access-key medium .env:1:9',
      'aws-secret-access-key medium compose.yml:2:20',
      'aws-secret-access-key medium config.yml:2:12',
      'aws-secret-access-key medium credentials.ini:2:19',
    ]);
    for (const { format, out } of inEveryFormat(['tree', dir]))
      expect(rawPieces(out, s), format).toEqual([]);
  });
});

describe('session tokens in every format', () => {
  it('are found beside their ASIA pair, positional or under session/token names, redacted', () => {
    const r = createRandom(seed++);
    const id = fakeKeyId(r, 'ASIA');
    const s = fakeSecret(r);
    const t = fakeSessionToken(r);
    const dir = folder({
      'main.go': `credentials.NewStaticCredentials("${id}", "${s}", "${t}")\n`,
      'creds.xml': `<accessKey>${id}</accessKey>\n<secretKey>${s}</secretKey>\n<session>${t}</session>\n`,
      'main.tf': `provider "aws" {\n  access_key = "${id}"\n  secret_key = "${s}"\n  token = "${t}"\n}\n`,
      'imds.json': `{\n  "AccessKeyId" : "${id}",\n  "SecretAccessKey" : "${s}",\n  "Token" : "${t}"\n}\n`,
    });
    const res = runCli(['tree', dir, '-f', 'json']);
    expect(res.code, res.stderr).toBe(1);
    const tokens = findingsOf(res.stdout).filter((f) => f.startsWith('aws-session-token'));
    expect(tokens.sort()).toEqual([
      'aws-session-token medium creds.xml:3:10',
      'aws-session-token medium imds.json:4:14',
      `aws-session-token medium main.go:1:${id.length + s.length + 43}`,
      'aws-session-token medium main.tf:4:12',
    ]);
    for (const { format, out } of inEveryFormat(['tree', dir]))
      expect(rawPieces(out, [id, s, t]), format).toEqual([]);
  });
});

// A security review found both hidden from every rule: `_` counted as part of a word, and `=3D`
// glued to a value was no escape the boundaries knew.
describe('keys in Markdown underscore emphasis and in quoted-printable e-mail', () => {
  it('are found as pairs on the built CLI and shown redacted in every format', () => {
    const r = createRandom(seed++);
    const [id, s, id2, s2] = [
      fakeKeyId(r, 'AKIA'),
      fakeSecret(r),
      fakeKeyId(r, 'AKIA'),
      fakeSecret(r),
    ];
    const dir = folder({
      'RUNBOOK.md': `# Deploy runbook\n\nThe deploy bot uses access key __${id}__ and secret __${s}__.\n\n- aws_access_key_id: _${id}_\n- aws_secret_access_key: _${s}_\n`,
      'handover.eml': `From: ops@example.org\nSubject: deploy creds\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n[default]\naws_access_key_id=3D${id2}\naws_secret_access_key=3D${s2}\n`,
    });
    const res = runCli(['tree', dir, '-f', 'json']);
    expect(res.code, res.stderr).toBe(1);
    expect(findingsOf(res.stdout).sort()).toEqual([
      'aws-access-key-pair high RUNBOOK.md:3:34',
      'aws-access-key-pair high RUNBOOK.md:5:23',
      'aws-access-key-pair high handover.eml:7:21',
    ]);
    for (const { format, out } of inEveryFormat(['tree', dir]))
      expect(rawPieces(out, [id, s, id2, s2]), format).toEqual([]);
  });
});
