import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { expandPlaceholdersWithValues } from '../../src/rules/expand-placeholders.js';

/**
 * The detection corpus: fixtures/corpus/<ng|ok>.<case>/input.<ext> + expected.json. Each case is
 * expanded with several seeds so a pass does not hang on one lucky set of fake values.
 */
interface Expected {
  readonly ruleId: string;
  readonly line: number;
  readonly column: number;
  readonly partnerLine?: number;
}

const ROOT = fileURLToPath(new URL('../../fixtures/corpus/', import.meta.url));
const SEEDS = [1, 2, 3];
/** UUIDs are generated too but are no secret: lines may show them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const pack = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }]);

function seedOf(name: string, round: number): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h ^ round) >>> 0;
}

function loadCase(name: string): { input: string; file: string; expected: Expected[] } {
  const dir = `${ROOT}${name}/`;
  const file = readdirSync(dir).find((f) => f !== 'expected.json');
  if (file === undefined) throw new Error(`${name}: no input file`);
  const parsed = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as
    | Expected[]
    | { findings: Expected[] };
  const expected = Array.isArray(parsed) ? parsed : parsed.findings;
  return { input: readFileSync(`${dir}${file}`, 'utf8'), file, expected };
}

function key(f: Expected): string {
  return `${f.ruleId}@${f.line}:${f.column}${f.partnerLine === undefined ? '' : `~${f.partnerLine}`}`;
}

function shape(f: Finding): Expected {
  return {
    ruleId: f.ruleId,
    line: f.location.line,
    column: f.location.column,
    ...(f.partner === undefined ? {} : { partnerLine: f.partner.line }),
  };
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const tally = { expected: 0, reported: 0, matched: 0 };

describe('detection corpus', () => {
  it('has positive and negative cases', () => {
    expect(cases.filter((c) => c.startsWith('ng.')).length).toBeGreaterThan(50);
    expect(cases.filter((c) => c.startsWith('ok.')).length).toBeGreaterThan(50);
    expect(cases.every((c) => /^(?:ng|ok)\.[a-z0-9-]+$/.test(c))).toBe(true);
  });

  it.each(cases)('%s', (name) => {
    const { input, file, expected } = loadCase(name);
    expect(name.startsWith('ok.') ? expected.length === 0 : expected.length > 0).toBe(true);
    for (const round of SEEDS) {
      const { text, values } = expandPlaceholdersWithValues(input, seedOf(name, round));
      const chunk = { source: 'tree' as const, path: `${name}/${file}`, text };
      const findings = detectChunk(chunk, pack, EMPTY_ENGINE_ALLOWLIST);
      const reported = findings.filter((f) => f.allowedBy === undefined).map(shape);
      const want = expected.map(key).sort();
      const got = reported.map(key).sort();
      const left = [...got];
      let matched = 0;
      for (const k of want) {
        const i = left.indexOf(k);
        if (i !== -1) {
          left.splice(i, 1);
          matched++;
        }
      }
      tally.expected += want.length;
      tally.reported += got.length;
      tally.matched += matched;
      expect(got, `${name} (seed round ${round})`).toEqual(want);
      // Nothing shown to people may carry a generated value.
      const secrets = values.filter((v) => v.length >= 16 && !UUID.test(v));
      for (const f of findings) {
        const shown = [f.lineText, f.redacted, f.partnerRedacted ?? ''].join('\n');
        for (const v of secrets)
          expect(shown.includes(v), `${name}: raw value in output`).toBe(false);
      }
    }
  });

  afterAll(() => {
    const pct = (a: number, b: number) => (b === 0 ? '100.0' : ((100 * a) / b).toFixed(1));
    const ng = cases.filter((c) => c.startsWith('ng.')).length;
    console.log(
      `corpus: ${cases.length} cases (${ng} positive, ${cases.length - ng} negative) x ${SEEDS.length} seeds: ` +
        `recall ${pct(tally.matched, tally.expected)}% (${tally.matched}/${tally.expected}), ` +
        `precision ${pct(tally.matched, tally.reported)}% (${tally.matched}/${tally.reported})`,
    );
  });
});
