import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

// Keys hidden in encoded text, found by the built CLI on real files: at the encoded run, with a
// note of the decoding, and neither the key nor its encoded form in any output format.

const FORMATS = ['human', 'json', 'sarif', 'github', 'markdown', 'gitlab'] as const;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => {
  assertBuilt();
});

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const each = (s: string, f: (code: number) => string) =>
  [...s].map((c) => f(c.charCodeAt(0))).join('');

interface Case {
  readonly name: string;
  readonly file: string;
  /** The file's text and the encoded run the finding must stand at. */
  make(p: FakePair): { text: string; run: string };
  readonly ruleId: string;
  readonly decoded: string;
}

const JWT_HEADER = b64url('{"alg":"HS256","typ":"JWT"}');

const CASES: Case[] = [
  {
    name: 'a Kubernetes Secret (data: values in base64)',
    file: 'secret.yaml',
    make: (p) => {
      const run = b64(p.id);
      return {
        text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws\ntype: Opaque\ndata:\n  AWS_ACCESS_KEY_ID: ${run}\n  AWS_SECRET_ACCESS_KEY: ${b64(p.secret)}\n`,
        run,
      };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64',
  },
  {
    name: 'a .dockerconfigjson auth',
    file: 'config.json',
    make: (p) => {
      const run = b64(`${p.id}:${p.secret}`);
      return {
        text: `{\n  "auths": {\n    "registry.example.com": {\n      "auth": "${run}"\n    }\n  }\n}\n`,
        run,
      };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64',
  },
  {
    name: 'an env file, base64 wrapped at 76 characters',
    file: 'prod.env.b64',
    make: (p) => {
      const run = b64(
        `# production\nAWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${p.id}\nAWS_SECRET_ACCESS_KEY=${p.secret}\n`,
      ).replace(/.{76}(?=.)/g, '$&\n');
      return { text: `${run}\n`, run };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64',
  },
  {
    name: 'a JSON blob in base64',
    file: 'blob.txt',
    make: (p) => {
      const run = b64(JSON.stringify({ AccessKeyId: p.id, SecretAccessKey: p.secret }));
      return { text: `payload=${run}\n`, run };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64',
  },
  {
    name: 'an HTTP basic-auth header',
    file: 'request.http',
    make: (p) => {
      const run = b64(`${p.id}:${p.secret}`);
      return {
        text: `GET /bucket HTTP/1.1\nHost: storage.example.com\nAuthorization: Basic ${run}\n`,
        run,
      };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64',
  },
  {
    name: 'a URL-encoded query string',
    file: 'links.md',
    make: (p) => {
      const run = `https://example.com/callback?creds=${encodeURIComponent(JSON.stringify({ AccessKeyId: p.id, SecretAccessKey: p.secret })).replace(p.id, `%41${p.id.slice(1)}`)}`;
      return { text: `See ${run} for the callback.\n`, run };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'url',
  },
  {
    name: 'a URL-encoded form body',
    file: 'body.txt',
    make: (p) => {
      const run = `action=login&aws_access_key_id=${each(p.id, (c) => `%${c.toString(16).toUpperCase()}`)}&aws_secret_access_key=${encodeURIComponent(p.secret)}`;
      return { text: `POST /login\n\n${run}\n`, run };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'url',
  },
  {
    name: 'JSON \\u escapes',
    file: 'data.json',
    make: (p) => {
      const run = `\\u0041${p.id.slice(1)}`;
      return {
        text: `{\n  "AccessKeyId": "${run}",\n  "SecretAccessKey": "${p.secret.replace(/\//g, '\\/')}"\n}\n`,
        run,
      };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'escapes',
  },
  {
    name: 'JS \\u{…} escapes',
    file: 'config.js',
    make: (p) => {
      const run = each(p.id, (c) => `\\u{${c.toString(16)}}`);
      return {
        text: `module.exports = {\n  accessKeyId: "${run}",\n  secretAccessKey: "${p.secret}",\n};\n`,
        run,
      };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'escapes',
  },
  {
    name: 'HTML entities',
    file: 'page.html',
    make: (p) => {
      const run = each(p.id, (c) => (c % 2 === 0 ? `&#${c};` : `&#x${c.toString(16)};`));
      return { text: `<html><body>\n<p>key: <code>${run}</code></p>\n</body></html>\n`, run };
    },
    ruleId: 'aws-access-key-id',
    decoded: 'html entities',
  },
  {
    name: 'a JWT with the key in its payload',
    file: 'token.txt',
    make: (p) => {
      const run = b64url(
        JSON.stringify({ sub: 'ci', AccessKeyId: p.id, SecretAccessKey: p.secret }),
      );
      return { text: `Bearer ${JWT_HEADER}.${run}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk\n`, run };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'jwt',
  },
  {
    name: 'a C string with a hex-escaped first letter, no other trace',
    file: 'key.c',
    make: (p) => {
      const run = `\\x41${p.id.slice(1)}`;
      return { text: `static const char *key = "${run}";\n`, run };
    },
    ruleId: 'aws-access-key-id',
    decoded: 'escapes',
  },
  {
    name: 'a plain first letter and a percent-encoded second (A%4BIA…)',
    file: 'links.md',
    make: (p) => {
      const run = `https://example.com/cb?id=A%4B${p.id.slice(2)}&ok=1`;
      return { text: `See ${run} for details.\n`, run };
    },
    ruleId: 'aws-access-key-id',
    decoded: 'url',
  },
  {
    name: 'an ABIA key pair in base64, no label',
    file: 'token.yml',
    make: (p) => {
      const run = b64(`ABIA${p.id.slice(4)}:${p.secret}`);
      return { text: `token: ${run}\n`, run };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64',
  },
  {
    name: 'a .dockerconfigjson auth inside a Secret data value (base64 of base64, no label)',
    file: 'secret.yaml',
    make: (p) => {
      const auth = b64(`${p.id}:${p.secret}`);
      const run = b64(JSON.stringify({ auths: { 'registry.example.com': { auth } } }));
      return {
        text: `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${run}\n`,
        run,
      };
    },
    ruleId: 'aws-access-key-pair',
    decoded: 'base64 → base64',
  },
  {
    name: 'base64 of base64',
    file: 'nested.yaml',
    make: (p) => {
      const run = b64(b64(p.secret));
      return { text: `kind: Secret\ndata:\n  aws_secret_access_key: ${run}\n`, run };
    },
    ruleId: 'aws-secret-access-key',
    decoded: 'base64 → base64',
  },
];

/** 1-based line and column of `needle`'s first occurrence in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

/** Pieces of the raw values and the encoded run that no output may hold. */
function forbidden(p: FakePair, run: string): string[] {
  const pieces = [p.id, p.secret];
  // Any 16 characters of the encoded run (a redacted form keeps four).
  for (const line of run.split('\n'))
    for (let i = 0; i + 16 <= line.length; i += 8) pieces.push(line.slice(i, i + 16));
  return pieces;
}

function write(name: string, text: string): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  writeFileSync(join(dir.path, name), text);
  return dir.path;
}

interface JsonFinding {
  ruleId: string;
  line: number;
  column: number;
  decoded?: string;
  lineText: string;
  fingerprint: string;
}

describe('encoded keys on the built CLI', () => {
  it.each(CASES)('$name: found at the encoded run, decoded, never shown', (c) => {
    const p = fakePair();
    const { text, run } = c.make(p);
    const dir = write(c.file, text);
    const json = runCli(['tree', c.file, '--format', 'json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(1);
    const findings = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.map((f) => f.ruleId)).toEqual([c.ruleId]);
    const f = findings[0] as JsonFinding;
    expect({ line: f.line, column: f.column }).toEqual(positionOf(text, run));
    expect(f.decoded).toBe(c.decoded);
    for (const format of FORMATS) {
      const r = runCli(['tree', c.file, '--format', format], { cwd: dir });
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
      const out = r.stdout + r.stderr;
      for (const piece of forbidden(p, run)) expect(out, `${format} leaks`).not.toContain(piece);
      expect(out, `${format} names the decoding`).toContain(c.decoded);
      if (format === 'sarif') expect(sarifErrors(JSON.parse(r.stdout))).toEqual([]);
    }
  });

  it('a marker on the encoded line suppresses it; a baseline accepts it by a stable fingerprint', () => {
    const p = fakePair();
    const run = b64(`${p.id}:${p.secret}`);
    const dir = write('auth.txt', `Authorization: Basic ${run}\n`);
    const first = JSON.parse(runCli(['tree', '--format', 'json'], { cwd: dir }).stdout) as {
      findings: JsonFinding[];
    };
    const again = JSON.parse(runCli(['tree', '--format', 'json'], { cwd: dir }).stdout) as {
      findings: JsonFinding[];
    };
    expect(first.findings.length).toBe(1);
    expect(again.findings.map((f) => f.fingerprint)).toEqual(
      first.findings.map((f) => f.fingerprint),
    );

    const base = runCli(['baseline'], { cwd: dir });
    expect(base.code, base.stderr).toBe(0);
    const baseline = readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8');
    for (const piece of forbidden(p, run)) expect(baseline).not.toContain(piece);
    expect(runCli(['tree'], { cwd: dir }).code).toBe(0);

    const marked = write('auth.txt', `Authorization: Basic ${run} # keyguard:allow\n`);
    const r = runCli(['tree', '--format', 'json'], { cwd: marked });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { suppressed: { items: { by: string }[] } };
    expect(out.suppressed.items.map((s) => s.by)).toEqual(['pragma']);
  });

  it('ordinary base64 (images, hashes, certificates, binary holding AKIA) is no finding', () => {
    const random = createRandom(7);
    const bytes = (n: number) =>
      Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    // Binary data that holds the bytes of a key prefix: its base64 has the prefix's fingerprint.
    const planted = Buffer.concat([
      bytes(300),
      Buffer.from('AKIA'),
      bytes(40),
      Buffer.from('ASIA'),
      bytes(300),
    ]);
    const pem = b64(bytes(900)).replace(/.{64}/g, '$&\n');
    const text = [
      `<img src="data:image/png;base64,${b64(planted)}">`,
      `"integrity": "sha512-${b64(bytes(64))}"`,
      '-----BEGIN CERTIFICATE-----',
      pem,
      '-----END CERTIFICATE-----',
      `tls.key: ${b64(bytes(120))}`,
      `client_secret: ${b64(bytes(48))}`,
      '',
    ].join('\n');
    const dir = write('blobs.txt', text);
    const r = runCli(['tree', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
  });
});
