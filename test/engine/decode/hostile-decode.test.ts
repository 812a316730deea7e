import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../../src/model/config.js';
import type { Finding } from '../../../src/model/finding.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../../src/rules/expand-placeholders.js';
import { cpuClock } from '../../helpers/cpu-time.js';
import { PACK } from '../scan-text.js';

/**
 * Decoding must stay linear and bounded on hostile input: every case here finishes in about a
 * second of CPU; the ceiling (CPU time, so a busy machine does not matter) only catches a hang (or quadratic work, which takes minutes at these sizes).
 */
const CEILING_MS = 15_000;
const random = createRandom(99);
const ID = fakeKeyId(random, 'AKIA');
const SECRET = fakeSecret(random);
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function scan(text: string): { findings: Finding[]; ms: number } {
  const elapsed = cpuClock();
  const findings = detectChunk({ source: 'tree', path: 'h', text }, PACK, EMPTY_ENGINE_ALLOWLIST);
  return { findings, ms: elapsed() };
}

describe('decoding hostile input', () => {
  it('a 10 MB base64 blob full of key-prefix fingerprints, one real key inside', () => {
    const filler = b64(Buffer.from('AKIA\u00ff\u00fe\u00fdASIA\u0001'.repeat(900_000), 'latin1'));
    const text = `blob: ${filler.slice(0, 5_000_000)}${b64(`x ${ID}:${SECRET} `)}${filler.slice(0, 5_000_000)}\n`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    // The key sits 5 MB into one run: found in its own bounded window, at that window.
    expect(findings.some((f) => f.decoded === 'base64')).toBe(true);
  });

  it('a 1 MB line of %41 and one of \\u0041', () => {
    for (const unit of ['%41', '\\u0041', '&#65;', '%2541']) {
      const { findings, ms } = scan(`${unit.repeat(Math.ceil(1_000_000 / unit.length))}\n`);
      expect(ms, unit).toBeLessThan(CEILING_MS);
      expect(findings).toEqual([]);
    }
  });

  it('base64 nested twenty levels deep, and escapes of escapes', () => {
    let nested = `aws_access_key_id=${ID}`;
    for (let i = 0; i < 20; i++) nested = b64(nested);
    let amp = '&#65;KIA';
    for (let i = 0; i < 20; i++) amp = amp.replace(/&/g, '&amp;');
    const { ms } = scan(`${nested}\n${amp}\n${'%25'.repeat(100_000)}41KIA\n`);
    expect(ms).toBeLessThan(CEILING_MS);
  });

  it('50,000 small encoded keys on one line', () => {
    const unit = `${b64(ID)} `;
    const text = unit.repeat(50_000);
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expect(findings.length).toBe(50_000);
    expect(findings[1]?.location.column).toBe(unit.length + 1);
  });

  it('broken encodings do not throw', () => {
    const text = [
      'QUtJQ=====QUtJ!!QUtJ\u0000',
      '%41%ZZ%4%%41\uD800KIA',
      '\\u0041\\u{FFFFFFFF}\\u{41\\x4',
      '&#65;&#99999999999;&#x110000;&#xZZ;&#',
      `eyJ.${'QUtJ'}.`,
    ].join('\n');
    expect(() => scan(text)).not.toThrow();
  });
});
