import { describe, expect, it } from 'vitest';
import { createCredentialCollector } from '../../src/engine/collect-credentials.js';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import {
  createRandom,
  fakeKeyId,
  fakeSecret,
  fakeSessionToken,
} from '../../src/rules/expand-placeholders.js';
import { cpuClock } from '../helpers/cpu-time.js';
import { PACK } from './scan-text.js';

/**
 * Hostile input must cost time linear in its size. Each case below took from tens of seconds to
 * minutes when a step rescanned a long line per match (regions per anchor, labels, masking,
 * pairing); linear, each takes about a second on a slow machine. The ceiling is CPU time, so a
 * busy CI runner passes, and it is far below what the quadratic behaviour needs.
 */
const CEILING_MS = 25_000;

const random = createRandom(2024);
const ID = fakeKeyId(random, 'AKIA');
const SECRET = fakeSecret(random);

function scan(text: string): { findings: Finding[]; ms: number } {
  const elapsed = cpuClock();
  const findings = detectChunk(
    { source: 'tree', path: 'hostile.txt', text },
    PACK,
    EMPTY_ENGINE_ALLOWLIST,
  );
  return { findings, ms: elapsed() };
}

/** The planted pair is reported, at the planted key ID's and secret's offsets. */
function expectPlanted(text: string, findings: readonly Finding[], idAt: number, secretAt: number) {
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const columnOf = (offset: number) => offset - text.lastIndexOf('\n', offset - 1);
  const [line, column] = [lineOf(idAt), columnOf(idAt)];
  const pair = findings.find(
    (f) => f.kind === 'credential-pair' && f.location.line === line && f.location.column === column,
  );
  expect(pair?.partner).toMatchObject({ line: lineOf(secretAt), column: columnOf(secretAt) });
}

describe('engine time on hostile input', { timeout: 60_000 }, () => {
  it('a 1 MB line of secret="…" repeated after a key ID', () => {
    const unit = `secret="${SECRET}" `;
    const head = `AWS_ACCESS_KEY_ID=${ID} `;
    const text = head + unit.repeat(Math.ceil(1_000_000 / unit.length));
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expectPlanted(text, findings, head.indexOf(ID), head.length + 'secret="'.length);
  });

  it('100,000 key IDs on one line, the planted pair at its end', () => {
    const ids: string[] = [];
    for (let i = 0; i < 100_000; i++) ids.push(fakeKeyId(random, 'AKIA'));
    const text = `${ids.join(' ')} ${ID} aws_secret_access_key=${SECRET}`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expectPlanted(text, findings, text.lastIndexOf(ID), text.lastIndexOf(SECRET));
    expect(findings.length).toBeGreaterThan(90_000);
  });

  it('100,000 lines of secret=<40 characters>, the planted pair after them', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`secret=${fakeSecret(random)}`);
    const text = `${lines.join('\n')}\naws_access_key_id=${ID}\naws_secret_access_key=${SECRET}\n`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expectPlanted(text, findings, text.indexOf(ID), text.indexOf(SECRET));
  });

  it('a 1 MB line of AKIA prefixes that make no key ID', () => {
    const text = `${'AKIA'.repeat(250_000)} ${ID} aws_secret_access_key=${SECRET}`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expectPlanted(text, findings, text.indexOf(ID), text.indexOf(SECRET));
  });

  it('a 1 MB line of interleaved key IDs and secrets pairs each with its neighbour', () => {
    const units: string[] = [];
    for (let i = 0; i < 17_000; i++)
      units.push(`${fakeKeyId(random, 'AKIA')} ${fakeSecret(random)}`);
    const text = `${units.join(' ')} ${ID} ${SECRET}`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expectPlanted(text, findings, text.lastIndexOf(ID), text.lastIndexOf(SECRET));
    expect(findings.filter((f) => f.kind === 'credential-pair').length).toBeGreaterThan(16_000);
  });

  it('key IDs joined by slashes (one base64-like run) around a secret label', () => {
    const ids: string[] = [];
    for (let i = 0; i < 48_000; i++) ids.push(fakeKeyId(random, 'AKIA'));
    const text = `secret/${ids.join('/')}/${ID}/aws_secret_access_key=${SECRET}`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expectPlanted(text, findings, text.lastIndexOf(ID), text.lastIndexOf(SECRET));
  });

  it('many carrier values after 100,000 blank lines each look past them once', () => {
    const values: string[] = [];
    for (let i = 0; i < 20_000; i++) values.push(`value: ${fakeSecret(random)}`);
    const text = `${'\n'.repeat(100_000)}${values.join(' ')} ${ID}\naws_secret_access_key=${SECRET}\n`;
    const { findings, ms } = scan(text);
    expect(ms).toBeLessThan(CEILING_MS);
    expect(findings.some((f) => f.kind === 'credential-pair')).toBe(true);
  });

  it('--verify: each temporary key finds its session token without visiting every other token', () => {
    const units: string[] = [];
    for (let i = 0; i < 2_500; i++) {
      units.push(
        `aws_access_key_id=${fakeKeyId(random, 'ASIA')} aws_secret_access_key=${fakeSecret(random)} aws_session_token=${fakeSessionToken(random)}`,
      );
    }
    const collector = createCredentialCollector();
    const elapsed = cpuClock();
    const findings = detectChunk(
      { source: 'tree', path: 'hostile.txt', text: units.join(' ') },
      PACK,
      EMPTY_ENGINE_ALLOWLIST,
      collector,
    );
    expect(elapsed()).toBeLessThan(CEILING_MS);
    expect(findings.filter((f) => f.kind === 'credential-pair')).toHaveLength(2_500);
    const credentials = collector.credentials();
    expect(credentials).toHaveLength(2_500);
    expect(credentials.every((c) => c.sessionToken !== undefined)).toBe(true);
  });
});
