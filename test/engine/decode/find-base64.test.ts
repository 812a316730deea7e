import { describe, expect, it } from 'vitest';
import { base64Fingerprints } from '../../../src/engine/decode/base64-fingerprints.js';
import {
  BASE64_REACH,
  base64Finder,
  base64RunsIn,
  findBase64Runs,
} from '../../../src/engine/decode/find-base64.js';

const { finder, phases } = base64Finder(['AKIA', 'ASIA'].flatMap(base64Fingerprints));
const runs = (text: string) => findBase64Runs(text, finder, phases);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('findBase64Runs', () => {
  it('finds a run holding a key prefix at each alignment and decodes it', () => {
    for (const before of ['', 'a', 'ab']) {
      const plain = `${before}AKIA-payload`;
      const text = `auth: "${b64(plain)}"`;
      const [run] = runs(text);
      expect(run?.start).toBe(text.indexOf('"') + 1);
      expect(run?.end).toBe(text.lastIndexOf('"'));
      expect(run?.bytes.toString()).toBe(plain);
      expect(run?.jwt).toBe(false);
    }
  });

  it('decodes from the group the fingerprint fixes, whatever letters precede the run', () => {
    // `Basic` glued to the value: the run starts 5 letters early, the decoding still lines up.
    const text = `Basic${b64('AKIA:secret')}`;
    expect(runs(text)[0]?.bytes.toString()).toContain('AKIA:secret');
  });

  it('follows wrapped base64 across line breaks and indents, both ways', () => {
    const body = b64(`${'x'.repeat(100)}ASIA${'y'.repeat(100)}`).replace(/.{64}(?=.)/g, '$&\n    ');
    const text = `data: |\n    ${body}\nnext: 1\n`;
    const [run] = runs(text);
    expect(run?.start).toBe(text.indexOf(body));
    expect(run?.end).toBe(text.indexOf(body) + body.length);
    expect(run?.bytes.toString()).toBe(`${'x'.repeat(100)}ASIA${'y'.repeat(100)}`);
  });

  it('knows a JWT payload', () => {
    const text = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from('{"k":"AKIA"}').toString('base64url')}.sig`;
    expect(runs(text)[0]?.jwt).toBe(true);
  });

  it('reads a long run only within reach of its fingerprint, each stretch once', () => {
    const unit = b64('AKIA');
    const text = unit.repeat(100_000);
    const found = runs(text);
    let covered = 0;
    for (const r of found) {
      expect(r.end - r.start).toBeLessThanOrEqual(2 * BASE64_REACH + 4);
      covered += r.end - r.start;
    }
    expect(covered).toBe(text.length);
  });

  it('does not throw on broken base64', () => {
    expect(() => runs('QUtJ==QUtJ%%QUtJ\u0000QUtJ-_-_QUtJ')).not.toThrow();
  });
});

describe('base64RunsIn', () => {
  it('returns the runs of at least the given length starting in the window', () => {
    const value = b64('a'.repeat(45));
    const text = `AWS_SECRET_ACCESS_KEY: ${value}\nshort: YWJj\n`;
    const found = base64RunsIn(text, 0, text.length, 52);
    expect(found.map((r) => text.slice(r.start, r.end))).toEqual([value]);
  });
});
