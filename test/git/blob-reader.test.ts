import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { versionHasBatchCommand } from '../../src/git/batch-command-support.js';
import { BlobReader, STREAM_ABOVE } from '../../src/git/blob-reader.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function hashObject(r: TempRepo, content: Buffer): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: content,
  })
    .toString()
    .trim();
}

// Both ways of talking to git cat-file: plain --batch, and --batch-command under --buffer.
describe.each([false, true])('BlobReader (buffered: %s)', (buffered) => {
  it('returns contents in order, drops oversized ones, reports missing objects', async () => {
    const r = createRepo();
    repos.push(r);
    const small = Buffer.from('hello\nworld\n');
    const empty = Buffer.alloc(0);
    const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
    const ids = [hashObject(r, small), hashObject(r, big), hashObject(r, empty), 'f'.repeat(40)];
    const reader = new BlobReader(r.dir, 1024 * 1024, { buffered });
    const got = [];
    for await (const rec of reader.read(ids)) got.push(rec);
    await reader.close();
    expect(got.map((g) => g.id)).toEqual(ids);
    expect(got[0]?.data?.equals(small)).toBe(true);
    expect(got[1]?.data).toBeUndefined();
    expect(got[1]?.size).toBe(big.length);
    expect(got[2]?.data?.length).toBe(0);
    expect(got[3]?.type).toBe('missing');
  });

  it('survives many large blobs read by a slow consumer (git is paused, nothing is lost)', async () => {
    const r = createRepo();
    repos.push(r);
    const blobs = Array.from({ length: 12 }, (_, i) => Buffer.alloc(2 * 1024 * 1024, 0x41 + i));
    const ids = blobs.map((b) => hashObject(r, b));
    const reader = new BlobReader(r.dir, 10 * 1024 * 1024, { buffered });
    let i = 0;
    for await (const rec of reader.read(ids)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(rec.data?.equals(blobs[i] ?? Buffer.alloc(0))).toBe(true);
      i++;
    }
    await reader.close();
    expect(i).toBe(12);
  });

  it('a second read on the same process works (one process per scan)', async () => {
    const r = createRepo();
    repos.push(r);
    const a = hashObject(r, Buffer.from('a'));
    const b = hashObject(r, Buffer.from('b'));
    const reader = new BlobReader(r.dir, 100, { buffered });
    const first = [];
    for await (const rec of reader.read([a])) first.push(rec.data?.toString());
    const second = [];
    for await (const rec of reader.read([b, a])) second.push(rec.data?.toString());
    await reader.close();
    expect(first).toEqual(['a']);
    expect(second).toEqual(['b', 'a']);
  });

  it('streams an object over the holding size in pieces, then answers the next read', async () => {
    const r = createRepo();
    repos.push(r);
    const huge = Buffer.alloc(STREAM_ABOVE + 12_345, 0x62);
    const small = Buffer.from('after\n');
    const ids = [hashObject(r, huge), hashObject(r, small)];
    const commit = r.commitAll('one');
    const reader = new BlobReader(r.dir, Number.POSITIVE_INFINITY, { buffered });
    const got: string[] = [];
    for await (const rec of reader.read(ids)) {
      if (rec.pieces === undefined) got.push(`${rec.type} ${rec.data?.toString()}`);
      else {
        let n = 0;
        for await (const piece of rec.pieces) n += piece.filter((b) => b === 0x62).length;
        got.push(`${rec.type} ${n}`);
      }
    }
    for await (const rec of reader.read([commit])) got.push(`${rec.type}`);
    await reader.close();
    expect(got).toEqual([`blob ${huge.length}`, 'blob after\n', 'commit']);
  });
});

describe('versionHasBatchCommand', () => {
  it('is true from git 2.36 on, false before it and for any text it does not know', () => {
    const yes = ['git version 2.36.0', 'git version 2.39.5', 'git version 2.39.3 (Apple Git-146)'];
    const no = ['git version 2.35.9', 'git version 1.99.0', 'git version', 'hg 2.40', ''];
    expect(yes.map(versionHasBatchCommand)).toEqual(yes.map(() => true));
    expect(
      ['git version 2.45.1.windows.1\n', 'git version 3.0.0'].map(versionHasBatchCommand),
    ).toEqual([true, true]);
    expect(no.map(versionHasBatchCommand)).toEqual(no.map(() => false));
  });
});
