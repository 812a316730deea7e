import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryCache } from '../../src/app/history-cache.js';
import { tempDir } from '../helpers/run-cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function place() {
  const dir = tempDir('kg-cache-');
  cleanups.push(dir.cleanup);
  return { gitDir: dir.path, hmacKey: randomBytes(32), setupHash: randomBytes(32) };
}

const ids = (n: number, bytes = 20) =>
  Array.from({ length: n }, () => randomBytes(bytes).toString('hex'));

describe('openHistoryCache', () => {
  it('remembers every id it was told, across saves, merged with what was there', () => {
    const where = place();
    const first = ids(500);
    const a = openHistoryCache(where);
    expect(a.state).toBe('new');
    for (const id of first) a.remember(id);
    expect(a.save()).toBeUndefined();
    const second = ids(300);
    const b = openHistoryCache(where);
    expect(b.state).toBe('used');
    expect(b.size).toBe(500);
    for (const id of first) expect(b.has(id)).toBe(true);
    for (const id of second) expect(b.has(id)).toBe(false);
    // Told twice, and told ids it already had: each is kept once.
    for (const id of [...second, ...second, ...first.slice(0, 50)]) b.remember(id);
    expect(b.save()).toBeUndefined();
    const c = openHistoryCache(where);
    expect(c.size).toBe(800);
    for (const id of [...first, ...second]) expect(c.has(id)).toBe(true);
    expect(c.has('0'.repeat(40))).toBe(false);
    expect(c.has('not hex')).toBe(false);
  });

  it('remembers commits apart from blobs', () => {
    const where = place();
    const blobs = ids(20);
    const commits = ids(30);
    const a = openHistoryCache(where);
    for (const id of blobs) a.remember(id);
    for (const id of commits) a.rememberCommit(id);
    // What this run learnt about blobs counts at once; commits are for the next walk.
    expect(a.has(blobs[0] ?? '')).toBe(true);
    expect(a.hasCommit(commits[0] ?? '')).toBe(false);
    a.save();
    const b = openHistoryCache(where);
    expect([b.size, b.commits]).toEqual([20, 30]);
    for (const id of commits) expect(b.hasCommit(id)).toBe(true);
    for (const id of commits) expect(b.has(id)).toBe(false);
    for (const id of blobs) expect(b.hasCommit(id)).toBe(false);
  });

  it('keeps what a run that saved meanwhile learnt', () => {
    const where = place();
    const one = openHistoryCache(where);
    const two = openHistoryCache(where);
    const a = ids(100);
    const b = ids(100);
    for (const id of a) one.remember(id);
    for (const id of b) two.remember(id);
    expect(one.save()).toBeUndefined();
    expect(two.save()).toBeUndefined();
    const after = openHistoryCache(where);
    expect(after.size).toBe(200);
    for (const id of [...a, ...b]) expect(after.has(id)).toBe(true);
    expect(readdirSync(join(where.gitDir, 'keyguard'))).toHaveLength(1);
  });

  it('holds SHA-256 repositories’ ids too', () => {
    const where = place();
    const long = ids(50, 32);
    const a = openHistoryCache(where);
    for (const id of long) a.remember(id);
    a.save();
    const b = openHistoryCache(where);
    for (const id of long) expect(b.has(id)).toBe(true);
    expect(b.has(long[0]?.slice(0, 40) ?? '')).toBe(false);
  });

  it('other rules, another key: nothing is trusted', () => {
    const where = place();
    const a = openHistoryCache(where);
    const some = ids(10);
    for (const id of some) a.remember(id);
    a.save();
    const rules = openHistoryCache({ ...where, setupHash: createHash('sha256').digest() });
    expect(rules.state).toBe('restarted');
    expect(rules.problem).toBeUndefined();
    for (const id of some) expect(rules.has(id)).toBe(false);
    const other = openHistoryCache({ ...where, hmacKey: randomBytes(32) });
    // Another key is another file: the first one is not even looked at.
    expect(other.state).toBe('new');
    for (const id of some) expect(other.has(id)).toBe(false);
  });
});
