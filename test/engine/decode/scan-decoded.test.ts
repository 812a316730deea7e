import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../../src/engine/detect.js';
import { sha256Hex } from '../../../src/engine/redact.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../../src/model/config.js';
import { PACK, scanText } from '../scan-text.js';

// scanDecoded through its one call site, detectChunk: what decoded text yields, and where.

describe('keys in encoded text', () => {
  it('reports a base64 key pair once, at the encoded run, with the decoding', () => {
    const { text, reported } = scanText(
      'data:\n  AWS_ACCESS_KEY_ID: {{enc:base64}}{{AKIA}}{{/enc}}\n  AWS_SECRET_ACCESS_KEY: {{enc:base64}}{{SECRET}}{{/enc}}\n',
    );
    expect(reported.map((f) => [f.ruleId, f.location.line, f.location.column, f.decoded])).toEqual([
      ['aws-access-key-pair', 2, 22, 'base64'],
    ]);
    const f = reported[0];
    const run = text.split('\n')[1]?.slice(21) ?? '';
    expect(f?.location.endColumn).toBe(22 + run.length);
    expect(f?.partner).toMatchObject({ line: 3, column: 26 });
    expect(f?.lineText).toBe('AWS_ACCESS_KEY_ID: [base64]');
  });

  it('pairs a plain key ID with a base64 secret, and reports the key ID no more alone', () => {
    const { reported } = scanText(
      'aws_access_key_id = {{AKIA}}\naws_secret_access_key = {{enc:base64}}{{SECRET}}{{/enc}}\n',
    );
    expect(reported.map((f) => [f.ruleId, f.location.line, f.partner?.line, f.decoded])).toEqual([
      ['aws-access-key-pair', 1, 2, 'base64'],
    ]);
  });

  it('leaves keys in plain text to the plain scan (no second report)', () => {
    const { reported } = scanText(
      'url=https://h/?a=%41b&X-Amz-Credential={{AKIA}}%2F20260101\naws_secret_access_key = {{SECRET|url}}\n',
    );
    expect(reported.map((f) => [f.ruleId, f.decoded])).toEqual([
      ['aws-access-key-pair', undefined],
    ]);
  });

  it('finds nested encodings two levels deep, not three', () => {
    const two = scanText('v: {{enc:base64}}{{enc:url-all}}{{AKIA}}{{/enc}}{{/enc}}\n');
    expect(two.reported.map((f) => f.decoded)).toEqual(['base64 → url']);
    const three = scanText(
      'v: {{enc:base64}}{{enc:base64}}{{enc:base64}}{{AKIA}}{{/enc}}{{/enc}}{{/enc}}\n',
    );
    expect(three.reported).toEqual([]);
  });

  it('keeps decoded values subject to the value allowlist and the built-in examples', () => {
    const { values, reported } = scanText('auth: {{enc:base64}}{{AKIA}}:{{SECRET}}{{/enc}}\n');
    expect(reported.length).toBe(1);
    const secret = values[1] as string;
    const allowed = scanText('auth: {{enc:base64}}{{AKIA}}:{{SECRET}}{{/enc}}\n', {
      allow: {
        ...EMPTY_ENGINE_ALLOWLIST,
        hashes: new Map([[sha256Hex(secret), 'rotated already']]),
      },
    });
    expect(allowed.findings.map((f) => f.allowedBy?.by)).toEqual(['allowlist']);
    const example = Buffer.from('AKIAIOSFODNN7EXAMPLE').toString('base64');
    const docs = detectChunk(
      { source: 'tree', path: 'a', text: `id: ${example}\n` },
      PACK,
      EMPTY_ENGINE_ALLOWLIST,
    );
    expect(docs.every((f) => f.allowedBy?.by === 'builtin')).toBe(true);
  });

  it('never shows the encoded run or the decoded values in a line', () => {
    const { text, values, findings } = scanText(
      'Authorization: Basic {{enc:base64}}{{AKIA}}:{{SECRET}}{{/enc}} trace={{HEX40}}\n',
    );
    const run = /Basic (\S+)/.exec(text)?.[1] ?? '';
    expect(findings.length).toBe(1);
    for (const f of findings) {
      expect(f.lineText).not.toContain(run.slice(0, 12));
      for (const v of values) expect(f.lineText).not.toContain(v);
    }
  });

  it('is no finding for binary data whose base64 holds a key prefix', () => {
    const bytes = Buffer.concat([
      Buffer.alloc(50, 0xfe),
      Buffer.from('AKIA'),
      Buffer.alloc(50, 0x07),
    ]);
    const findings = detectChunk(
      { source: 'tree', path: 'a', text: `img: ${bytes.toString('base64')}\n` },
      PACK,
      EMPTY_ENGINE_ALLOWLIST,
    );
    expect(findings).toEqual([]);
  });
});
