import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JSON_REPORT_VERSION, renderJson } from '../../src/report/render-json.js';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { CTX, credentials, findingsOf, outcomeOf } from './report-fixture.js';

const DOC = readFileSync(resolve(import.meta.dirname, '../../docs/json-format.md'), 'utf8');

/** Every key path in a JSON value, e.g. `findings[].partner.line`. */
function keys(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keys(v, `${prefix}[]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    // Maps keyed by data (counts per kind, coverage facts) are documented as a whole.
    if (/(^|\.)(byKind|byReason|coverage)$/.test(path)) return [path];
    return [path, ...keys(v, path)];
  });
}

describe('the JSON report contract (docs/json-format.md)', () => {
  it('documents every field the renderer emits, and holds no raw value', () => {
    const p = fakePair();
    const findings = findingsOf({ 'a.ini': credentials(p) });
    const outcome = outcomeOf(findings, {
      suppressed: [
        {
          finding: findings[0] ?? (undefined as never),
          reason: { by: 'baseline', entry: 'x', reason: 'y' },
        },
      ],
      skipped: [{ path: 'big.bin', reason: 'too-large', detail: '20 MB' }],
      warnings: [{ code: 'CONFIG', message: 'expired' }],
      staleBaseline: [{ ruleId: 'r', path: 'p', secretHash: 'f'.repeat(64) }],
      coverage: { range: 'a..b' },
    });
    const text = renderJson(outcome, CTX);
    expect(leaks(text, [p])).toEqual([]);
    const report = JSON.parse(text);
    expect(report.version).toBe(JSON_REPORT_VERSION);
    const undocumented = [
      ...new Set(keys(report).map((k) => k.split(/\.|\[\]\.?/).pop() ?? k)),
    ].filter((k) => k !== '' && !DOC.includes(`\`${k}\``));
    expect(undocumented).toEqual([]);
  });

  it('states the version the renderer writes', () => {
    expect(DOC).toContain(`currently **${JSON_REPORT_VERSION}**`);
  });
});
