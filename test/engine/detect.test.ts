import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import { expandPlaceholdersWithValues } from '../../src/rules/expand-placeholders.js';
import { cpuClock } from '../helpers/cpu-time.js';
import { brief, PACK, scanText } from './scan-text.js';

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

describe('detectChunk', () => {
  it('reports a key ID with its secret as one pair finding naming both locations', () => {
    const { reported, values } = scanText(
      '[default]\naws_access_key_id = {{AKIA}}\naws_secret_access_key = {{SECRET}}\n',
    );
    expect(reported.map(brief)).toEqual(['aws-access-key-pair@2:21~3']);
    const [pair] = reported;
    const [id, secret] = values as [string, string];
    expect(pair?.kind).toBe('credential-pair');
    expect(pair?.partner).toMatchObject({ line: 3, column: 25, endLine: 3, endColumn: 65 });
    expect(pair?.location).toMatchObject({ line: 2, column: 21, endColumn: 41 });
    expect(pair?.redacted).toBe(`AKIA${'*'.repeat(12)}${id.slice(-4)}`);
    expect(pair?.partnerRedacted).toBe(`${'*'.repeat(32)}${secret.slice(-4)}`);
    expect(pair?.secretHash).toBe(sha256(secret));
  });

  it('reports a lone key ID, a labelled secret, and a labelled session token', () => {
    const far = '\n'.repeat(25);
    const { reported } = scanText(
      `note: {{AKIA}}${far}AWS_SECRET_ACCESS_KEY={{SECRET}}\naws_session_token = {{TOKEN}}\n`,
    );
    expect(reported.map(brief)).toEqual([
      'aws-access-key-id@1:7',
      'aws-secret-access-key@26:23',
      'aws-session-token@27:21',
    ]);
  });

  it('reports a lone secret labelled without the word secret, as the rules report lone secrets', () => {
    const { reported, values } = scanText(
      'aws_access_key = "{{SECRET}}"\n\n\nAWS_KEY={{SECRET#2}}\n\n\nstorage:\n  aws_key: {{SECRET#3}}\n' +
        '\n\n\nAWS_ACCESS_KEY: "{{SECRET#4}}"\n',
    );
    expect(reported.map(brief)).toEqual([
      'aws-secret-access-key@1:19',
      'aws-secret-access-key@4:9',
      'aws-secret-access-key@8:12',
      'aws-secret-access-key@12:18',
    ]);
    for (const f of reported) {
      expect(f.severity).toBe('medium');
      for (const v of values) expect(f.lineText + f.redacted).not.toContain(v);
    }
  });

  it('reports a lone secret under a camelCase, kebab, dotted or phrase label', () => {
    const { reported } = scanText(
      'awsKey: "{{SECRET}}"\n\n\nAwsAccessKey = "{{SECRET#2}}"\n\n\naws-key: {{SECRET#3}}\n' +
        '\n\n\nAWS Access Key: {{SECRET#4}}\n\n\naws.access.key={{SECRET#5}}\n',
    );
    expect(reported.map(brief)).toEqual([
      'aws-secret-access-key@1:10',
      'aws-secret-access-key@4:17',
      'aws-secret-access-key@7:10',
      'aws-secret-access-key@11:17',
      'aws-secret-access-key@14:16',
    ]);
  });

  it('does not take a camelCase AWS name that holds no secret for a label', () => {
    const text =
      'awsKeyName: "my-key-pair"\nawsKey: "{{HEX40}}"\nawsRequestSignature: "{{B64_40}}"\n' +
      'AwsRegion = "{{B64_40#2}}"\nawsAccessKey: "aws-key-id-placeholder"\n';
    expect(scanText(text).findings).toEqual([]);
  });

  it('does not take a key name that is no AWS label for one', () => {
    const text =
      'aws_region = "us-east-1"\nCACHE_KEY = "{{B64_40}}"\napi_key: {{B64_40#2}}\n' +
      'aws_request_id={{B64_40#3}}\nMONGO_KEY={{B64_40#4}}\n';
    expect(scanText(text).findings).toEqual([]);
  });

  it('does not report an unlabelled secret with no key ID near it', () => {
    expect(scanText('aws notes\nvalue {{SECRET}}\n').findings).toEqual([]);
    expect(scanText('provider "gcp" {\n  secret_key = "{{SECRET}}"\n}\n').findings).toEqual([]);
  });

  it('gives right lines and columns in CRLF files', () => {
    const { reported } = scanText(
      '# creds\r\nAWS_ACCESS_KEY_ID={{AKIA}}\r\nAWS_SECRET_ACCESS_KEY={{SECRET}}\r\n',
    );
    expect(reported.map(brief)).toEqual(['aws-access-key-pair@2:19~3']);
    expect(reported[0]?.partner?.column).toBe(23);
    expect(reported[0]?.lineText).not.toContain('\r');
  });

  it('points into a minified one-line file at the right UTF-16 column', () => {
    const prefix = `!function(){var a="é🚀";${'x=1;'.repeat(3000)}var c={accessKeyId:"`;
    const { reported } = scanText(`${prefix}{{AKIA}}",secretAccessKey:"{{SECRET}}"}}();`);
    expect(reported.map(brief)).toEqual([`aws-access-key-pair@1:${prefix.length + 1}~1`]);
    expect(reported[0]?.lineText.length).toBeLessThan(300);
  });

  it('allowlists per value: a real key on the same line as an example key is still reported', () => {
    const { reported, findings } = scanText(
      'keys: AKIAIOSFODNN7EXAMPLE, {{AKIA}}\nsecrets: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    );
    expect(reported.map(brief)).toEqual(['aws-access-key-id@1:29']);
    const example = findings.find((f) => f.location.column === 7);
    expect(example?.allowedBy).toMatchObject({ by: 'builtin', entry: 'example-value' });
  });

  it('never puts a raw value in lineText or redacted fields', () => {
    const { findings, values } = scanText(
      '{"Credentials":{"AccessKeyId":"{{ASIA}}","SecretAccessKey":"{{SECRET}}","SessionToken":"{{TOKEN}}"},"Other":"{{B64_40}}"}',
    );
    expect(findings.map((f) => f.ruleId).sort()).toEqual([
      'aws-session-token',
      'aws-temporary-credential-pair',
    ]);
    for (const f of findings) {
      const shown = `${f.lineText}\n${f.redacted}\n${f.partnerRedacted ?? ''}`;
      for (const v of values) expect(shown).not.toContain(v);
      for (const v of values) expect(shown).not.toContain(v.slice(4, 16));
    }
  });

  it('reports only findings that touch reportable lines (either half of a pair)', () => {
    const template = 'id = {{AKIA}}\nsecret = {{SECRET}}\nother = {{AKIA#2}}\n';
    const only = (start: number, end: number) =>
      scanText(template, { chunk: { reportable: [{ start, end }] } }).reported.map(brief);
    expect(only(2, 2)).toEqual(['aws-access-key-pair@1:6~2']);
    expect(only(3, 3)).toEqual(['aws-access-key-id@3:9']);
    expect(only(5, 9)).toEqual([]);
  });

  it('shifts lines by the chunk’s first line', () => {
    const { reported } = scanText('x\nkey {{AKIA}}\n', { chunk: { firstLine: 101 } });
    expect(reported.map(brief)).toEqual(['aws-access-key-id@102:5']);
  });

  it('marks findings matched by user hashes and regexes instead of dropping them', () => {
    const template = 'AWS_ACCESS_KEY_ID={{AKIA}}\nAWS_SECRET_ACCESS_KEY={{SECRET}}\n';
    const { values } = scanText(template);
    const secret = values[1] as string;
    const byHash = scanText(template, {
      allow: { ...EMPTY_ENGINE_ALLOWLIST, hashes: new Map([[sha256(secret), 'rotated']]) },
    });
    expect(byHash.findings[0]?.allowedBy).toMatchObject({ by: 'allowlist', reason: 'rotated' });
    const byLine = scanText(template, {
      allow: {
        ...EMPTY_ENGINE_ALLOWLIST,
        lineRegexes: [{ regex: /SECRET_ACCESS/, entry: 'regex:SECRET_ACCESS', reason: 'test' }],
      },
    });
    expect(byLine.reported).toEqual([]);
    expect(byLine.findings).toHaveLength(1);
  });

  it('never lets a line pattern allow a line a window edge cut (it sees only part of it)', () => {
    // `padding$` matches the window's part of the line; the whole line goes on past the edge.
    const allow = {
      ...EMPTY_ENGINE_ALLOWLIST,
      lineRegexes: [{ regex: /padding$/, entry: 'regex:padding$', reason: 'test' }],
    };
    const line = 'AWS_ACCESS_KEY_ID={{AKIA}} AWS_SECRET_ACCESS_KEY={{SECRET}} padding';
    const whole = scanText(`${line}\n`, { allow });
    expect(whole.reported).toEqual([]);
    // The window ends mid-line: its own part stops short of its text, no newline at its end.
    const endCut = scanText(line, { allow, chunk: { ownFrom: 0, ownTo: 40 } });
    expect(endCut.reported.length).toBeGreaterThan(0);
    // The window starts mid-line (first column past 1).
    const startCut = scanText(`${line}\n`, { allow, chunk: { firstColumn: 9000 } });
    expect(startCut.reported.length).toBeGreaterThan(0);
  });

  it('returns nothing, fast, on text with no rule keyword', () => {
    const text = 'lorem ipsum dolor sit amet, consectetur adipiscing elit\n'.repeat(150_000);
    const elapsed = cpuClock();
    const findings = detectChunk(
      { source: 'tree', path: 'big.txt', text },
      PACK,
      EMPTY_ENGINE_ALLOWLIST,
    );
    const ms = elapsed();
    expect(findings).toEqual([]);
    // ~8 MB: the prefilter alone runs at hundreds of MB/s (tens of ms of CPU); this bound catches
    // regular expressions run over every line, or work that grows with the square of the size.
    expect(ms).toBeLessThan(2_000);
  });

  it('keeps the 40-character scan near labels on large files that mention AWS', () => {
    const noise = 'aws s3 sync ./build s3://bucket --delete # {{B64_40}} deploy step\nplain line\n';
    const { reported } = scanText(`${noise.repeat(20_000)}AWS_SECRET_ACCESS_KEY={{SECRET}}\n`);
    expect(reported.map((f) => f.ruleId)).toEqual(['aws-secret-access-key']);
  });

  it('gives commit-message findings the subject masked and trimmed, never the raw message', () => {
    const subject = `rotate {{AKIA}} {{SECRET}} ${'and more words '.repeat(20)}`;
    const { reported, values } = scanText(`${subject}\n\naws_secret_access_key={{SECRET}}\n`, {
      chunk: {
        source: 'history',
        path: '<commit message>',
        commit: { sha: 'abc', message: 'raw text a source must not pass' },
        commitMessage: true,
      },
    });
    expect(reported.length).toBeGreaterThan(0);
    for (const f of reported) {
      const message = f.commit?.message ?? '';
      expect(message).toMatch(/^rotate AKIA\*{12}.{4} \*{32}.{4} and more words/);
      expect(message.endsWith('…')).toBe(true);
      expect(message.length).toBeLessThan(200);
      for (const v of values) expect(message).not.toContain(v);
    }
    // Other chunks keep the commit as the source gave it, minus any message text.
    const plain = scanText('aws_access_key_id={{AKIA}}\n', {
      chunk: { commit: { sha: 'abc', author: 'A', message: 'raw' } },
    });
    expect(plain.reported[0]?.commit).toEqual({ sha: 'abc', author: 'A' });
  });

  it('locates what it finds in a name at the name: no line of the file, the span in the name', () => {
    const name = 'creds/aws_access_key_id={{AKIA}} aws_secret_access_key={{SECRET}}';
    const { reported, values, text } = scanText(name, {
      chunk: { name: true, path: expandedName(name) },
    });
    const [id, secret] = values as [string, string];
    expect(reported.map((f) => f.ruleId)).toEqual(['aws-access-key-pair']);
    const [pair] = reported;
    expect(pair?.location).toMatchObject({ path: text, line: 0, column: 0, where: 'name' });
    expect(pair?.location.nameSpan).toEqual([text.indexOf(id), text.indexOf(id) + id.length]);
    expect(pair?.partner?.nameSpan).toEqual([
      text.indexOf(secret),
      text.indexOf(secret) + secret.length,
    ]);
    // Another identity than the same pair in the file's content.
    const inContent = scanText(name).reported[0];
    expect(pair?.fingerprint).not.toBe(inContent?.fingerprint);
    expect(pair?.lineText).not.toContain(secret);
  });
});

/** The name a template expands to (the chunk's path), with the same seed as scanText. */
function expandedName(template: string): string {
  return expandPlaceholdersWithValues(template, 7).text;
}
