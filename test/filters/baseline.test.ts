import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaseline } from '../../src/config/load-baseline.js';
import { applyFilters } from '../../src/filters/apply-filters.js';
import { baselineScope } from '../../src/filters/baseline-scope.js';
import { baselineEntries, formatBaseline } from '../../src/filters/format-baseline.js';
import { fakePair } from '../helpers/fake-keys.js';
import { tempDir } from '../helpers/run-cli.js';
import { credentials, findingsOf } from '../report/report-fixture.js';

describe('baseline entries and file format', () => {
  it('has one sorted, deduplicated entry per rule + path + secret hash, no lines, no raw values', () => {
    const p = fakePair();
    const q = fakePair();
    const findings = findingsOf({
      'z.ini': credentials(p),
      'a.ts': `x = '${q.id}'\ny = '${q.id}'\n`,
    });
    const entries = baselineEntries(findings);
    expect(entries.map((e) => `${e.path} ${e.ruleId}`)).toEqual([
      'a.ts aws-access-key-id',
      'z.ini aws-access-key-pair',
    ]);
    for (const e of entries)
      expect(Object.keys(e).sort()).toEqual(['path', 'ruleId', 'secretHash']);
    const text = formatBaseline(entries);
    expect(text).not.toContain(p.secret);
    expect(text).not.toContain(q.id);
    expect(text).not.toMatch(/"line"/);
    // One entry per line: a merge touching different entries does not conflict.
    const lines = text.split('\n').filter((l) => l.includes('"ruleId"'));
    expect(lines.length).toBe(2);
    expect(JSON.parse(text)).toEqual({ version: 1, entries });
  });

  it('writes an empty baseline that loads', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'b.json');
      writeFileSync(file, formatBaseline([]));
      expect(await loadBaseline(file)).toEqual([]);
      writeFileSync(
        file,
        formatBaseline(baselineEntries(findingsOf({ 'a.ini': credentials(fakePair()) }))),
      );
      expect((await loadBaseline(file)).length).toBe(1);
    } finally {
      dir.cleanup();
    }
  });

  it('keeps given entries (outside a narrower scan) alongside new ones', () => {
    const kept = { ruleId: 'aws-access-key-id', path: 'other/x.ts', secretHash: 'c'.repeat(64) };
    const entries = baselineEntries(findingsOf({ 'a.ini': credentials(fakePair()) }), [kept]);
    expect(entries).toContainEqual(kept);
    expect(entries.length).toBe(2);
  });
});

describe('baseline matching (applyFilters)', () => {
  it('suppresses a known finding after its lines move, reports a new secret in the same file, lists stale entries', () => {
    const p = fakePair();
    const q = fakePair();
    const old = findingsOf({ 'app.ini': credentials(p) });
    const gone = { ruleId: 'aws-access-key-pair', path: 'deleted.ini', secretHash: 'd'.repeat(64) };
    const baseline = [...baselineEntries(old), gone];
    const now = findingsOf({ 'app.ini': `# moved\n\n${credentials(p)}\n${credentials(q)}` });
    const r = applyFilters(now, { pathAllow: [], baseline });
    expect(r.suppressed.map((s) => s.reason.by)).toEqual(['baseline']);
    expect(r.suppressed[0]?.finding.location.line).toBe(4);
    expect(r.kept.length).toBe(1);
    expect(r.kept[0]?.secretHash).not.toBe(r.suppressed[0]?.finding.secretHash);
    expect(r.staleBaseline).toEqual([gone]);
  });

  it('does not let an entry for one path hide the same secret in another path', () => {
    const p = fakePair();
    const baseline = baselineEntries(findingsOf({ 'a.ini': credentials(p) }));
    const r = applyFilters(findingsOf({ 'b.ini': credentials(p) }), { pathAllow: [], baseline });
    expect(r.kept.length).toBe(1);
    expect(r.staleBaseline.length).toBe(1);
  });
});

describe('baselineScope', () => {
  it('covers everything for no targets or the root, else the named files and folders', () => {
    expect(baselineScope([])('any/where.ts')).toBe(true);
    expect(baselineScope(['.'])('x')).toBe(true);
    expect(baselineScope([''])('x')).toBe(true);
    const s = baselineScope(['src/', 'config/app.ini']);
    expect(s('src/a.ts')).toBe(true);
    expect(s('config/app.ini')).toBe(true);
    expect(s('srcx/a.ts')).toBe(false);
    expect(s('config/app.ini.bak')).toBe(false);
  });
});
