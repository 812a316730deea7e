import {
  corpusCases,
  type Expected,
  findingKey,
  loadCase,
  scanCase,
  seedOf,
  shape,
} from './corpus.js';

/** Counts for one row of the score table. */
interface Tally {
  cases: number;
  expected: number;
  reported: number;
  matched: number;
}

const SEEDS = [1, 2, 3];
const empty = (): Tally => ({ cases: 0, expected: 0, reported: 0, matched: 0 });

/** Matches expected against reported findings (multisets of keys): what each side has left. */
function compare(want: readonly Expected[], got: readonly Expected[]) {
  const left = got.map(findingKey);
  const missed: Expected[] = [];
  const hit: Expected[] = [];
  for (const e of want) {
    const i = left.indexOf(findingKey(e));
    if (i === -1) missed.push(e);
    else {
      left.splice(i, 1);
      hit.push(e);
    }
  }
  return { hit, missed, extra: left };
}

/**
 * Recall and precision of the engine on fixtures/corpus, per category (and for credential pairs
 * and session tokens across categories), scanned through the reader as every mode scans.
 * Run with `npm run score`; `--verbose` lists every miss and false alarm.
 */
export function scoreCorpus(verbose: boolean): string {
  const rows = new Map<string, Tally>();
  const row = (name: string) => {
    let t = rows.get(name);
    if (t === undefined) {
      t = empty();
      rows.set(name, t);
    }
    return t;
  };
  const notes: string[] = [];
  for (const name of corpusCases()) {
    const c = loadCase(name);
    const t = row(c.category);
    t.cases++;
    for (const round of SEEDS) {
      const { findings } = scanCase(c, seedOf(name, round));
      const got = findings.filter((f) => f.allowedBy === undefined).map(shape);
      const { hit, missed, extra } = compare(c.expected, got);
      t.expected += c.expected.length;
      t.reported += got.length;
      t.matched += hit.length;
      for (const [label, test] of [
        ['credential pairs', (id: string) => id.endsWith('-pair')],
        ['session tokens', (id: string) => id === 'aws-session-token'],
      ] as const) {
        const r = row(`(all) ${label}`);
        r.expected += c.expected.filter((e) => test(e.ruleId)).length;
        r.reported += got.filter((e) => test(e.ruleId)).length;
        r.matched += hit.filter((e) => test(e.ruleId)).length;
      }
      if (verbose && round === SEEDS[0]) {
        for (const m of missed) notes.push(`missed  ${name}: ${findingKey(m)}`);
        for (const x of extra) notes.push(`extra   ${name}: ${x}`);
      }
    }
  }
  const pct = (a: number, b: number) =>
    b === 0 ? '     -' : `${((100 * a) / b).toFixed(1)}%`.padStart(6);
  const lines = [
    `${'category'.padEnd(26)} ${'cases'.padStart(5)} ${'expected'.padStart(8)} ${'found'.padStart(6)} ${'false'.padStart(6)} ${'recall'.padStart(7)} ${'precision'.padStart(9)}`,
  ];
  const total = empty();
  const sorted = [...rows].sort(
    ([a], [b]) => (a.startsWith('(') ? 1 : 0) - (b.startsWith('(') ? 1 : 0) || a.localeCompare(b),
  );
  for (const [name, t] of sorted) {
    if (!name.startsWith('(')) {
      total.cases += t.cases;
      total.expected += t.expected;
      total.reported += t.reported;
      total.matched += t.matched;
    }
    lines.push(
      `${name.padEnd(26)} ${String(t.cases || '').padStart(5)} ${String(t.expected).padStart(8)} ${String(t.matched).padStart(6)} ${String(t.reported - t.matched).padStart(6)} ${pct(t.matched, t.expected).padStart(7)} ${pct(t.matched, t.reported).padStart(9)}`,
    );
  }
  lines.push(
    `${'total'.padEnd(26)} ${String(total.cases).padStart(5)} ${String(total.expected).padStart(8)} ${String(total.matched).padStart(6)} ${String(total.reported - total.matched).padStart(6)} ${pct(total.matched, total.expected).padStart(7)} ${pct(total.matched, total.reported).padStart(9)}`,
  );
  lines.push(`(findings counted over ${SEEDS.length} seeds per case)`);
  return [...lines, ...notes].join('\n');
}
