import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBaseline } from '../../src/config/load-baseline.js';
import { detectChunk } from '../../src/engine/detect.js';
import { applyFilters } from '../../src/filters/apply-filters.js';
import { baselineHashing } from '../../src/filters/baseline-hashing.js';
import { baselineScope } from '../../src/filters/baseline-scope.js';
import { baselineEntries, formatBaseline } from '../../src/filters/format-baseline.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../../src/model/config.js';
import type { Baseline, Finding } from '../../src/model/finding.js';
import { fakePair } from '../helpers/fake-keys.js';
import { tempDir } from '../helpers/run-cli.js';
import { credentials, PACK } from '../report/report-fixture.js';

const KEY = 'ab'.repeat(32);
const OTHER_KEY = 'cd'.repeat(32);

/** Real findings, hashed as a scan against a baseline with `key` (and old plain hashes) would. */
function scanned(
  files: Readonly<Record<string, string>>,
  baseline?: Baseline,
  /** The scan's key; `null`: none (a version 1 baseline, before `keyguard baseline`). */
  key: string | null = baseline?.key ?? KEY,
): Finding[] {
  const hashing = baselineHashing(baseline, key ?? undefined);
  return Object.entries(files).flatMap(([path, text]) =>
    detectChunk({ source: 'tree', path, text }, PACK, { ...EMPTY_ENGINE_ALLOWLIST, hashing }),
  );
}

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

describe('baseline entries and file format', () => {
  it('has one sorted, deduplicated entry per rule + path + hash, no lines, no raw values', () => {
    const p = fakePair();
    const q = fakePair();
    const findings = scanned({
      'z.ini': credentials(p),
      'a.ts': `x = '${q.id}'\ny = '${q.id}'\n`,
    });
    const entries = baselineEntries(findings);
    expect(entries.map((e) => `${e.path} ${e.ruleId} ${Object.keys(e).sort().join(',')}`)).toEqual([
      // A key ID is guessable: keyed hash. A pair's identity is its secret: plain sha256.
      'a.ts aws-access-key-id path,ruleId,secretHmac',
      'z.ini aws-access-key-pair path,ruleId,secretHash',
    ]);
    expect(entries[1]?.secretHash).toBe(sha256(p.secret));
    expect(entries[0]?.secretHmac).not.toBe(sha256(q.id));
    const text = formatBaseline(entries, KEY);
    for (const v of [p.id, p.secret, q.id, sha256(q.id), sha256(p.id)])
      expect(text).not.toContain(v);
    expect(text).not.toMatch(/"line"/);
    // One entry per line: a merge touching different entries does not conflict.
    const lines = text.split('\n').filter((l) => l.includes('"ruleId"'));
    expect(lines.length).toBe(2);
    expect(JSON.parse(text)).toEqual({ version: 2, key: KEY, entries });
  });

  it('writes an empty baseline that loads, and reads back its key', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'b.json');
      writeFileSync(file, formatBaseline([], KEY));
      expect(await loadBaseline(file)).toEqual({ version: 2, key: KEY, entries: [] });
      writeFileSync(
        file,
        formatBaseline(baselineEntries(scanned({ 'a.ini': credentials(fakePair()) })), KEY),
      );
      expect((await loadBaseline(file)).entries.length).toBe(1);
    } finally {
      dir.cleanup();
    }
  });

  it('reads a version 1 file as legacy entries, and rejects malformed ones naming only the place', async () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'b.json');
      const hash = sha256(fakePair().id);
      writeFileSync(
        file,
        JSON.stringify({ version: 1, entries: [{ ruleId: 'r', path: 'p', secretHash: hash }] }),
      );
      expect(await loadBaseline(file)).toEqual({
        version: 1,
        entries: [{ ruleId: 'r', path: 'p', secretHash: hash, legacy: true }],
      });
      const secret = fakePair().secret;
      writeFileSync(
        file,
        JSON.stringify({
          version: 2,
          key: KEY,
          entries: [{ ruleId: 'r', path: 'p', secretHmac: secret }],
        }),
      );
      const error = await loadBaseline(file).catch((e: Error) => e);
      expect(String(error)).toContain('#/entries/0');
      expect(String(error)).not.toContain(secret);
      writeFileSync(file, JSON.stringify({ version: 2, key: secret, entries: [] }));
      const keyError = await loadBaseline(file).catch((e: Error) => e);
      expect(String(keyError)).toContain('#/key');
      expect(String(keyError)).not.toContain(secret);
    } finally {
      dir.cleanup();
    }
  });

  it('keeps given entries (outside a narrower scan) alongside new ones', () => {
    const kept = { ruleId: 'aws-access-key-id', path: 'other/x.ts', secretHmac: 'c'.repeat(64) };
    const entries = baselineEntries(scanned({ 'a.ini': credentials(fakePair()) }), [kept]);
    expect(entries).toContainEqual(kept);
    expect(entries.length).toBe(2);
  });
});

describe('baseline matching (applyFilters)', () => {
  it('suppresses a known finding after its lines move, reports a new secret in the same file, lists stale entries', () => {
    const p = fakePair();
    const q = fakePair();
    const old = scanned({ 'app.ini': credentials(p) });
    const gone = { ruleId: 'aws-access-key-pair', path: 'deleted.ini', secretHash: 'd'.repeat(64) };
    const baseline = [...baselineEntries(old), gone];
    const now = scanned({ 'app.ini': `# moved\n\n${credentials(p)}\n${credentials(q)}` });
    const r = applyFilters(now, { pathAllow: [], baseline });
    expect(r.suppressed.map((s) => s.reason.by)).toEqual(['baseline']);
    expect(r.suppressed[0]?.finding.location.line).toBe(4);
    expect(r.kept.length).toBe(1);
    expect(r.kept[0]?.secretHash).not.toBe(r.suppressed[0]?.finding.secretHash);
    expect(r.staleBaseline).toEqual([gone]);
  });

  it('does not let an entry for one path hide the same secret in another path', () => {
    const p = fakePair();
    const baseline = baselineEntries(scanned({ 'a.ini': credentials(p) }));
    const r = applyFilters(scanned({ 'b.ini': credentials(p) }), { pathAllow: [], baseline });
    expect(r.kept.length).toBe(1);
    expect(r.staleBaseline.length).toBe(1);
  });

  it('matches a key ID by its keyed hash only under the same key', () => {
    const q = fakePair();
    const files = { 'a.ts': `id = '${q.id}'\n` };
    const baseline = baselineEntries(scanned(files));
    expect(applyFilters(scanned(files), { pathAllow: [], baseline }).kept).toEqual([]);
    expect(
      applyFilters(scanned(files, undefined, OTHER_KEY), { pathAllow: [], baseline }).kept.length,
    ).toBe(1);
  });

  it('still honours a version 1 entry (plain sha256 of a key ID) without ever showing its hash', () => {
    const q = fakePair();
    const files = { 'a.ts': `id = '${q.id}'\n` };
    const v1: Baseline = {
      version: 1,
      entries: [
        { ruleId: 'aws-access-key-id', path: 'a.ts', secretHash: sha256(q.id), legacy: true },
        {
          ruleId: 'aws-access-key-id',
          path: 'gone.ts',
          secretHash: sha256(fakePair().id),
          legacy: true,
        },
      ],
    };
    // No key in a version 1 file: the finding carries no hash, only the token of what it matched.
    const findings = scanned(files, v1, null);
    expect(findings[0]?.secretHash).toBeUndefined();
    expect(findings[0]?.secretHmac).toBeUndefined();
    expect(findings[0]?.legacyRef).toMatch(/^legacy:\d+$/);
    const r = applyFilters(findings, { pathAllow: [], baseline: v1.entries });
    expect(r.kept).toEqual([]);
    expect(r.suppressed[0]?.reason.entry).toBe('aws-access-key-id:a.ts:legacy entry');
    expect(r.staleBaseline.map((e) => e.path)).toEqual(['gone.ts']);
    expect(JSON.stringify(r.suppressed)).not.toContain(sha256(q.id));
    // Without the old entry nothing matches: the token alone suppresses nothing.
    expect(applyFilters(findings, { pathAllow: [], baseline: [] }).kept.length).toBe(1);
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
