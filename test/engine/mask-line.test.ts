import { describe, expect, it } from 'vitest';
import { type MaskSpan, maskLine as maskText, prepareMasks } from '../../src/engine/mask-line.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';

const random = createRandom(11);
const ID = fakeKeyId(random, 'AKIA');
const SECRET = fakeSecret(random);

/** `line` placed at `lineStart` in a chunk (spans are chunk offsets), masked around the focus. */
function maskLine(
  line: string,
  lineStart: number,
  focusStart: number,
  focusEnd: number,
  spans: MaskSpan[],
): string {
  const text = `${'\n'.repeat(lineStart)}${line}\nnext`;
  const bounds = { start: lineStart, end: lineStart + line.length };
  return maskText(text, bounds, focusStart, focusEnd, prepareMasks(spans));
}

function span(line: string, value: string, replacement: string) {
  const start = line.indexOf(value);
  return { start, end: start + value.length, replacement };
}

describe('maskLine', () => {
  it('replaces every candidate span on the line by its redacted form', () => {
    const line = `creds = ("${ID}", "${SECRET}")`;
    const out = maskLine(line, 0, line.indexOf(ID), line.indexOf(ID) + 20, [
      span(line, ID, 'AKIA****'),
      span(line, SECRET, '****ab12'),
    ]);
    expect(out).toBe('creds = ("AKIA****", "****ab12")');
  });

  it('masks long key-like runs that no rule claimed', () => {
    const line = `id=${ID} note=${SECRET}`;
    const out = maskLine(line, 0, 3, 23, [span(line, ID, 'AKIA****')]);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('AKIA****');
    expect(out).toContain('****');
  });

  it('keeps words and short numbers readable', () => {
    expect(maskLine('region = us-east-1 port 8080', 0, 0, 1, [])).toBe(
      'region = us-east-1 port 8080',
    );
  });

  it('trims a long (minified) line to a window around the finding, with ellipses', () => {
    const line = `${'a=1;'.repeat(500)}k="${ID}";${'b=2;'.repeat(500)}`;
    const at = line.indexOf(ID);
    const out = maskLine(line, 0, at, at + 20, [span(line, ID, 'AKIA****')]);
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out.length).toBeLessThan(220);
    expect(out).toContain('AKIA****');
  });

  it('never cuts a key-like run in half at the window edge (a half would slip past masking)', () => {
    const line = `${'x'.repeat(100)} ${SECRET} ${'y'.repeat(60)} ${ID}`;
    const at = line.indexOf(ID);
    const out = maskLine(line, 0, at, at + 20, [span(line, ID, 'AKIA****')]);
    for (let i = 0; i + 8 <= SECRET.length; i++) expect(out).not.toContain(SECRET.slice(i, i + 8));
  });

  it('works with a line start offset (spans are chunk offsets)', () => {
    const line = `key: ${ID}`;
    const lineStart = 1000;
    const out = maskLine(line, lineStart, lineStart + 5, lineStart + 25, [
      { start: lineStart + 5, end: lineStart + 25, replacement: 'AKIA****' },
    ]);
    expect(out).toBe('key: AKIA****');
  });

  it('hides values after sensitive names, however short, and keeps the names', () => {
    const line = `password=hunter2 user=bob "api_key": "abc123", author="Jane" --token t0ps3cr3t`;
    expect(maskLine(line, 0, 0, 1, [])).toBe(
      'password=******* user=bob "api_key": "******", author="Jane" --token *********',
    );
    expect(maskLine('<password>letmein</password> PGPASSWORD=pw1', 0, 0, 1, [])).toBe(
      '<password>*******</password> PGPASSWORD=***',
    );
    expect(maskLine('curl -H "Authorization: Bearer abc.def" x', 0, 0, 1, [])).toBe(
      'curl -H "Authorization: Bearer *******" x',
    );
  });

  it("hides passwords in URLs, other providers' tokens, private keys and generated runs", () => {
    const random = createRandom(5);
    const body = fakeSecret(random).replace(/[+/]/g, 'x');
    const cases: [string, string][] = [
      ['postgres://admin:s3cr3t@db:5432/app', 'postgres://admin:******@db:5432/app'],
      [`slack xoxb-${body}`, `slack xoxb-${'*'.repeat(32)}`],
      [`gh ghp_${body}`, `gh ghp_${'*'.repeat(32)}`],
      [`stripe sk_live_${body.slice(0, 24)}`, `stripe sk_live_${'*'.repeat(24)}`],
      [`jwt eyJhbGciOiJIUzI1NiJ9.${body}.sig`, `jwt eyJ${'*'.repeat(32)}`],
      [`run ${body.slice(0, 10)}_${body.slice(10, 20)}-${body.slice(20)}`, `run ${'*'.repeat(32)}`],
    ];
    for (const [line, shown] of cases) expect(maskLine(line, 0, 0, 1, [])).toBe(shown);
    const pem = `k = "-----BEGIN RSA PRIVATE KEY-----\\n${body}\\n-----END RSA PRIVATE KEY-----"`;
    const shownPem = maskLine(pem, 0, 0, 1, []);
    expect(shownPem).toMatch(/^k = "-----BEGIN RSA PRIVATE \*+/);
    for (let i = 0; i + 6 <= body.length; i++) expect(shownPem).not.toContain(body.slice(i, i + 6));
  });

  it('keeps names, paths, versions and code readable', () => {
    const line =
      'import x from "../node_modules/some-package/dist/index.js"; v = "1.2.3-beta.4"; region_name = tokenizer';
    expect(maskLine(line, 0, 0, line.length, [])).toBe(line);
  });
});
