import { describe, expect, it } from 'vitest';
import { detectChunk } from '../../src/engine/detect.js';
import { applyFilters } from '../../src/filters/apply-filters.js';
import { baselineHashing } from '../../src/filters/baseline-hashing.js';
import { baselineEntries } from '../../src/filters/format-baseline.js';
import { EMPTY_ENGINE_ALLOWLIST, type PathAllowEntry } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import { fakePair } from '../helpers/fake-keys.js';
import { credentials, PACK } from '../report/report-fixture.js';

const KEY = 'ab'.repeat(32);

/** Real findings for files of `path → text`; `a.zip` stands for an archive's raw bytes. */
function scanned(files: Readonly<Record<string, string>>): Finding[] {
  const hashing = baselineHashing(undefined, KEY);
  return Object.entries(files).flatMap(([path, text]) =>
    detectChunk({ source: 'tree', path, text }, PACK, { ...EMPTY_ENGINE_ALLOWLIST, hashing }),
  );
}

const where = (fs: readonly Finding[]) => fs.map((f) => `${f.location.path} ${f.redacted}`).sort();
const shown = (id: string) => `AKIA${'*'.repeat(12)}${id.slice(-4)}`;

describe('an archive raw bytes echo of its entry (applyFilters)', () => {
  it('reports a different key ID in the raw bytes (a zip comment) beside the entry one', () => {
    const inEntry = fakePair().id;
    const inComment = fakePair().id;
    const r = applyFilters(
      scanned({ 'a.zip!x.env': `id = ${inEntry}\n`, 'a.zip': `deploy key: ${inComment}\n` }),
      { pathAllow: [] },
    );
    expect(where(r.kept)).toEqual([`a.zip ${shown(inComment)}`, `a.zip!x.env ${shown(inEntry)}`]);
  });

  it("reports the raw bytes' key ID when the entry's different one is marked keyguard:allow", () => {
    const inEntry = fakePair().id;
    const inComment = fakePair().id;
    const r = applyFilters(
      scanned({
        'a.zip!x.env': `id = ${inEntry} # keyguard:allow\n`,
        'a.zip': `deploy key: ${inComment}\n`,
      }),
      { pathAllow: [] },
    );
    expect(where(r.kept)).toEqual([`a.zip ${shown(inComment)}`]);
    expect(where(r.suppressed.map((s) => s.finding))).toEqual([`a.zip!x.env ${shown(inEntry)}`]);
  });

  it('reports the same key ID or pair once, from the entry, at every enclosing level', () => {
    const p = fakePair();
    const text = credentials(p);
    const r = applyFilters(
      scanned({ 'a.zip!b.jar!c.env': text, 'a.zip!b.jar': text, 'a.zip': text }),
      { pathAllow: [] },
    );
    expect(r.kept.length).toBeGreaterThan(0);
    expect(new Set(r.kept.map((f) => f.location.path))).toEqual(new Set(['a.zip!b.jar!c.env']));
    const lone = applyFilters(scanned({ 'a.zip!x.env': `${p.id}\n`, 'a.zip': `${p.id}\n` }), {
      pathAllow: [],
    });
    expect(where(lone.kept)).toEqual([`a.zip!x.env ${shown(p.id)}`]);
  });

  it('reports a pair in the raw bytes with the same secret but another key ID', () => {
    const p = fakePair();
    const other = fakePair().id;
    const r = applyFilters(
      scanned({
        'a.zip!x.env': credentials(p),
        'a.zip': credentials({ id: other, secret: p.secret }),
      }),
      { pathAllow: [] },
    );
    expect(where(r.kept.filter((f) => f.kind === 'credential-pair'))).toEqual([
      `a.zip ${shown(other)}`,
      `a.zip!x.env ${shown(p.id)}`,
    ]);
  });

  it('judges the same key ID elsewhere in the raw bytes on its own when the entry line is marked', () => {
    const id = fakePair().id;
    const unmarked = applyFilters(
      scanned({ 'a.zip!x.env': `id = ${id} # keyguard:allow\n`, 'a.zip': `comment: ${id}\n` }),
      { pathAllow: [] },
    );
    expect(where(unmarked.kept)).toEqual([`a.zip ${shown(id)}`]);
    // A true echo (a stored entry's bytes) carries the marker too: one suppression, no finding.
    const echo = applyFilters(
      scanned({
        'a.zip!x.env': `id = ${id} # keyguard:allow\n`,
        'a.zip': `PK..x.envid = ${id} # keyguard:allow\n`,
      }),
      { pathAllow: [] },
    );
    expect(echo.kept).toEqual([]);
    expect(where(echo.suppressed.map((s) => s.finding))).toEqual([`a.zip!x.env ${shown(id)}`]);
  });

  it("lets a baseline or path entry for the entry's path answer for its echo", () => {
    const p = fakePair();
    const files = { 'a.tar!x.env': credentials(p), 'a.tar': credentials(p) };
    const entries = baselineEntries(applyFilters(scanned(files), { pathAllow: [] }).kept);
    expect(entries.every((e) => e.path === 'a.tar!x.env')).toBe(true);
    const r = applyFilters(scanned(files), { pathAllow: [], baseline: entries });
    expect(r.kept).toEqual([]);
    expect(r.staleBaseline).toEqual([]);
    const entryOnly: PathAllowEntry = {
      entry: 'path:a.tar!x.env',
      reason: 'fixture',
      matches: (path) => path === 'a.tar!x.env',
    };
    expect(applyFilters(scanned(files), { pathAllow: [entryOnly] }).kept).toEqual([]);
  });

  it('never drops a finding that has no value identity to compare', () => {
    const id = fakePair().id;
    const bare = scanned({ 'a.zip!x.env': `${id}\n`, 'a.zip': `${id}\n` }).map(
      ({ valueRef: _ref, ...f }) => f,
    );
    expect(applyFilters(bare, { pathAllow: [] }).kept.length).toBe(2);
  });

  it('gives the same raw values the same token, and keeps the raw values out of it', () => {
    const p = fakePair();
    const [a, b] = scanned({ 'x.env': `${p.id}\n`, 'y.env': `${p.id}\n` });
    const [c] = scanned({ 'x.env': `${fakePair().id}\n` });
    expect(a?.valueRef).toMatch(/^[0-9a-f]{64}$/);
    expect(a?.valueRef).toBe(b?.valueRef);
    expect(c?.valueRef).not.toBe(a?.valueRef);
    expect(a?.valueRef).not.toContain(p.id.slice(4));
  });
});

describe('a lone half that another reading found beside a pair (applyFilters)', () => {
  const read = (text: string) =>
    detectChunk({ source: 'tree', path: 'x.env', text }, PACK, EMPTY_ENGINE_ALLOWLIST);
  const pairLine = (p: { id: string; secret: string }) =>
    `aws_access_key_id=${p.id} aws_secret_access_key=${p.secret}\n`;

  it('drops the same key ID seen alone on the pair line, as one reading of the same bytes', () => {
    const p = fakePair();
    const found = [...read(pairLine(p)), ...read(`${p.id}\n`)];
    expect(found.map((f) => f.kind).sort()).toEqual(['access-key-id', 'credential-pair']);
    expect(applyFilters(found, { pathAllow: [] }).kept.map((f) => f.kind)).toEqual([
      'credential-pair',
    ]);
  });

  it('keeps a different key ID shown the same way (same prefix and last four characters)', () => {
    const p = fakePair();
    const forged = `${p.id.slice(0, 4)}${fakePair().id.slice(4, 16)}${p.id.slice(-4)}`;
    expect(forged).not.toBe(p.id);
    const found = [...read(pairLine(p)), ...read(`${forged}\n`)];
    const lone = found.find((f) => f.kind === 'access-key-id');
    const pair = found.find((f) => f.kind === 'credential-pair');
    expect(lone?.redacted).toBe(pair?.redacted);
    const kinds = applyFilters(found, { pathAllow: [] }).kept.map((f) => f.kind);
    expect(kinds.sort()).toEqual(['access-key-id', 'credential-pair']);
  });
});

describe('a key written in a name (applyFilters)', () => {
  /** Findings of a name (as the reader hands it over) and of the content at that path. */
  function named(path: string, content: string): Finding[] {
    const hashing = baselineHashing(undefined, KEY);
    const allow = { ...EMPTY_ENGINE_ALLOWLIST, hashing };
    return [
      ...detectChunk({ source: 'tree', path, text: path, name: true }, PACK, allow),
      ...detectChunk({ source: 'tree', path, text: content }, PACK, allow),
    ];
  }

  it('is never taken for an echo of an archive entry holding the same key', () => {
    const p = fakePair();
    const zip = `backup-${p.id}.zip`;
    const found = [
      ...named(zip, 'PK…'),
      ...detectChunk({ source: 'tree', path: `${zip}!x.env`, text: `id = ${p.id}\n` }, PACK, {
        ...EMPTY_ENGINE_ALLOWLIST,
        hashing: baselineHashing(undefined, KEY),
      }),
    ];
    const r = applyFilters(found, { pathAllow: [] });
    expect(r.kept.map((f) => [f.location.path, f.location.where ?? 'content'])).toEqual(
      expect.arrayContaining([
        [zip, 'name'],
        [`${zip}!x.env`, 'content'],
      ]),
    );
  });

  it('matches a baseline entry or a path entry by the path as shown, or as it is', () => {
    const p = fakePair();
    const path = `keys/${p.id}.txt`;
    const masked = `keys/${shown(p.id)}.txt`;
    const found = named(path, `aws_access_key_id = ${fakePair().id}\n`);
    expect(found.length).toBe(2);
    for (const entryPath of [masked, path]) {
      const baseline = baselineEntries(found).map((e) => ({ ...e, path: entryPath }));
      const r = applyFilters(found, { pathAllow: [], baseline });
      expect(r.kept).toEqual([]);
      expect(r.staleBaseline).toEqual([]);
    }
    const glob: PathAllowEntry = {
      entry: `path:${masked}`,
      reason: 'test',
      matches: (p2) => p2 === masked,
    };
    expect(applyFilters(found, { pathAllow: [glob] }).kept).toEqual([]);
  });
});
