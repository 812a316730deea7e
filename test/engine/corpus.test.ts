import { afterAll, describe, expect, it } from 'vitest';
import { corpusCases, findingKey, loadCase, scanCase, seedOf, shape } from '../helpers/corpus.js';

/**
 * The detection corpus: fixtures/corpus/<ng|ok>.<case>/input.<ext> + expected.json, scanned as
 * bytes through the reader and the engine, as every mode scans. Each case is expanded with several
 * seeds so a pass does not hang on one lucky set of fake values.
 */
const SEEDS = [1, 2, 3];
/** UUIDs are generated too but are no secret: lines may show them. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const cases = corpusCases();
const tally = { expected: 0, reported: 0, matched: 0 };

describe('detection corpus', () => {
  it('has positive and negative cases', () => {
    expect(cases.filter((c) => c.startsWith('ng.')).length).toBeGreaterThan(50);
    expect(cases.filter((c) => c.startsWith('ok.')).length).toBeGreaterThan(50);
    expect(cases.every((c) => /^(?:ng|ok)\.[a-z0-9-]+$/.test(c))).toBe(true);
  });

  it.each(cases)('%s', (name) => {
    const c = loadCase(name);
    expect(name.startsWith('ok.') ? c.expected.length === 0 : c.expected.length > 0).toBe(true);
    for (const round of SEEDS) {
      const { values, findings } = scanCase(c, seedOf(name, round));
      const reported = findings.filter((f) => f.allowedBy === undefined).map(shape);
      const want = c.expected.map(findingKey).sort();
      const got = reported.map(findingKey).sort();
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
        // A split key's pieces are each part of a value: no 8 characters of one may show either.
        if (c.category === 'split')
          for (const v of secrets)
            for (let i = 0; i + 8 <= v.length; i++)
              expect(shown.includes(v.slice(i, i + 8)), `${name}: piece in output`).toBe(false);
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
