import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/report/escape-control.js';
import { renderHuman } from '../../src/report/render-human.js';
import { fakePair } from '../helpers/fake-keys.js';
import { CTX, credentials, findingsOf, outcomeOf } from './report-fixture.js';

/** Every code point a terminal or a bidi-aware viewer acts on. */
const DANGEROUS = [
  ...Array.from({ length: 0x20 }, (_, i) => i),
  ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i),
  0x061c,
  0x200e,
  0x200f,
  0x2028,
  0x2029,
  0x202a,
  0x202b,
  0x202c,
  0x202d,
  0x202e,
  0x2066,
  0x2067,
  0x2068,
  0x2069,
].map((c) => String.fromCharCode(c));

function rawControls(text: string): string[] {
  return DANGEROUS.filter((c) => text.includes(c)).map((c) => escapeControl(c));
}

describe('escapeControl', () => {
  it('shows every control and direction character as an escape', () => {
    for (const c of DANGEROUS) {
      const shown = escapeControl(`a${c}b`);
      expect(rawControls(shown), JSON.stringify(c)).toEqual([]);
      expect(shown).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[tnr])b$/);
    }
    expect(escapeControl('\x1b[31mred\x07\b\r\n\t\x7f\x9b\u202egnp')).toBe(
      '\\x1b[31mred\\x07\\x08\\r\\n\\t\\x7f\\x9b\\u202egnp',
    );
  });

  it('keeps ordinary text, accents, CJK and emoji as they are (and the same string when clean)', () => {
    const text = 'café/日本語/🔑 src\\path.ts: ok';
    expect(escapeControl(text)).toBe(text);
  });
});

describe('renderHuman and hostile names', () => {
  it('escapes control characters in paths, lines, titles, skipped and stale entries', () => {
    const p = fakePair();
    const path = 'evil\x1b]0;title\x07\r\u202egnp.ini';
    const findings = findingsOf({ [path]: `\x1b[2J${credentials(p)}` }).map((f) => ({
      ...f,
      title: `${f.title}\x1b[8m`,
      commit: { sha: 'a'.repeat(40), author: 'Mallory\x1b[1A', date: '2025-01-01' },
    }));
    expect(findings.length).toBeGreaterThan(0);
    const text = renderHuman(
      outcomeOf(findings, {
        skipped: [{ path: 'skip\x1bme', reason: 'too-large', detail: 'd\r' }],
        staleBaseline: [{ ruleId: 'r\x1b', path: 'gone\u2066.txt', secretHash: 'b'.repeat(64) }],
        coverage: { range: 'a\x1b..b' },
      }),
      { ...CTX, verbose: true },
    );
    expect(rawControls(text.replace(/\n/g, ''))).toEqual([]);
    expect(text).toContain('evil\\x1b]0;title\\x07\\r\\u202egnp.ini:');
    expect(text).toContain('skipped skip\\x1bme');
    expect(text).toContain('gone\\u2066.txt');
    expect(text).toContain('Mallory\\x1b[1A');
  });
});
