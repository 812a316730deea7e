import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Chunk } from '../../src/model/chunk.js';
import { createByteFilter } from '../../src/sources/byte-filter.js';
import { createHistorySource, type HistoryProgress } from '../../src/sources/history-source.js';
import {
  createRepo,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
} from '../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

async function walk(r: TempRepo, extra: { cleanIdsKept?: number; total?: number } = {}) {
  const progress: HistoryProgress[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, r.env);
  const chunks: Chunk[] = [];
  const source = createHistorySource({
    cwd: r.dir,
    revisions: ['--all'],
    rangeLabel: 'all refs',
    total: 7,
    read: { filter: createByteFilter([{ keywords: ['aws', 'AKIA'] }]) },
    onProgress: (p) => progress.push(p),
    ...extra,
  });
  try {
    await source.read({
      chunk: (c) => chunks.push(c),
      skip: () => undefined,
      read: () => undefined,
    });
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  return { chunks, progress, source };
}

describe('history source', () => {
  it('with a tiny memory of clean blobs, re-reads one that comes back and finds the same', async () => {
    // Past one read batch (256 commits), a clean blob comes back under a new name.
    const r = createRepo();
    repos.push(r);
    const c = fakeCredentials(42);
    const blob = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const commit = (n: number, body: string) =>
      `commit refs/heads/main\ncommitter T <t@example.invalid> ${1_700_000_000 + n} +0000\n${blob(`c${n}`)}${body}`;
    let stream = commit(1, `M 100644 inline same.txt\n${blob('unchanged content\n')}`);
    stream += commit(2, `M 100644 inline k.ini\n${blob(credentialsFile(c))}`);
    for (let n = 3; n < 300; n++) stream += commit(n, `M 100644 inline a.txt\n${blob(`v${n}\n`)}`);
    stream += commit(300, `M 100644 inline copy.txt\n${blob('unchanged content\n')}`);
    const imported = spawnSync('git', ['fast-import', '--quiet'], {
      cwd: r.dir,
      env: r.env,
      input: stream,
    });
    expect(imported.status, String(imported.stderr)).toBe(0);
    const full = await walk(r, { total: 300 });
    const tight = await walk(r, { total: 300, cleanIdsKept: 1 });
    const paths = (chunks: Chunk[]) =>
      chunks.filter((ch) => ch.path !== '<commit message>').map((ch) => ch.path);
    expect(paths(full.chunks)).toEqual(['k.ini']);
    expect(paths(tight.chunks)).toEqual(paths(full.chunks));
    // Blobs: same.txt, k.ini, a.txt v3..v299 (297), then copy.txt only where same.txt was forgotten.
    expect(full.source.coverage?.()).toMatchObject({ commits: 300, blobs: 299 });
    expect(tight.source.coverage?.()).toMatchObject({ commits: 300, blobs: 300 });
  });

  it('a walk long enough for buffered object reads finds the same: a blob, text after a NUL', async () => {
    // Over BUFFERED_FROM_COMMITS (1,024): on git 2.36 or later, cat-file answers in batches.
    const r = createRepo();
    repos.push(r);
    const [inBlob, inMessage] = [fakeCredentials(43), fakeCredentials(44)];
    const data = (bytes: Buffer) => Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes]);
    const parts: Buffer[] = [];
    for (let n = 1; n <= 1100; n++) {
      const message =
        n === 1000 ? Buffer.from(`c${n}\n\0${credentialsFile(inMessage)}`) : Buffer.from(`c${n}`);
      const body = n === 900 ? credentialsFile(inBlob) : `v${n}\n`;
      parts.push(
        Buffer.from(
          `commit refs/heads/main\ncommitter T <t@example.invalid> ${1_700_000_000 + n} +0000\n`,
        ),
        data(message),
        Buffer.from(`\nM 100644 inline ${n === 900 ? 'k.ini' : 'a.txt'}\n`),
        data(Buffer.from(body)),
        Buffer.from('\n'),
      );
    }
    const imported = spawnSync('git', ['fast-import', '--quiet'], {
      cwd: r.dir,
      env: r.env,
      input: Buffer.concat(parts),
    });
    expect(imported.status, String(imported.stderr)).toBe(0);
    const { chunks, source } = await walk(r, { total: 1100 });
    const found = chunks.filter((ch) => ch.path !== '<commit message>');
    expect(found.map((ch) => ch.path)).toEqual(['<commit object>', 'k.ini']);
    expect(found[0]?.text).toContain(inMessage.keyId);
    expect(found[1]?.text).toContain(inBlob.keyId);
    expect(source.coverage?.()).toMatchObject({ commits: 1100, commitMessages: 1100 });
  });

  it('reads each blob once, reports progress and attributes candidate content', async () => {
    const r = createRepo();
    repos.push(r);
    r.write('same.txt', 'unchanged content\n');
    r.write('a.txt', 'v0\n');
    r.commitAll('c0');
    const c = fakeCredentials(41);
    r.write('k.ini', credentialsFile(c));
    const intro = r.commitAll('c1');
    for (let i = 2; i < 6; i++) {
      r.write('a.txt', `v${i}\n`);
      // The same key content comes back at the same path: counted, not re-read.
      if (i === 3) r.git('rm', '-q', 'k.ini');
      if (i === 4) r.write('k.ini', credentialsFile(c));
      r.commitAll(`c${i}`);
    }
    // A copy of the clean file elsewhere: the blob is never read again.
    r.write('copy.txt', 'unchanged content\n');
    r.commitAll('c6');
    const { chunks, progress, source } = await walk(r);
    expect(progress.at(-1)).toMatchObject({ commits: 7, total: 7 });
    const files = chunks.filter((ch) => ch.path !== '<commit message>');
    // Only content that may hold a secret is yielded: k.ini, once (its return in c4 is counted).
    expect(files.map((ch) => ch.path)).toEqual(['k.ini']);
    const key = files.find((ch) => ch.path === 'k.ini');
    expect(key?.commit?.sha).toBe(intro);
    expect(source.attribution(intro, 'k.ini')).toMatchObject({ commits: 2 });
    const coverage = source.coverage?.();
    // Blobs read: same.txt (copy.txt is the same blob), a.txt v0 and v2..v5, k.ini.
    expect(coverage).toMatchObject({
      commits: 7,
      commitsInRange: 7,
      commitMessages: 7,
      blobs: 7,
      files: 3,
    });
  });

  it("reads a symbolic link's blob, its text, like a file's; a submodule's commit is left out", async () => {
    const r = createRepo();
    repos.push(r);
    const sub = createRepo();
    repos.push(sub);
    sub.write('s.txt', 's\n');
    sub.commitAll('sub');
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const c = fakeCredentials(42);
    const text = `aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}`;
    symlinkSync(text, join(r.dir, 'link'));
    r.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    const added = r.commitAll('link');
    const { chunks, source } = await walk(r, { total: 2 });
    const files = chunks.filter((ch) => ch.path !== '<commit message>');
    expect(files.map((ch) => [ch.path, ch.text, ch.commit?.sha])).toEqual([['link', text, added]]);
    const coverage = source.coverage?.();
    // a.txt, .gitmodules and the link's blob; the submodule's commit is another repository's.
    expect(coverage).toMatchObject({ blobs: 3, files: 3, submoduleEntriesSkipped: 1 });
    expect(coverage).not.toHaveProperty('symlinkEntriesSkipped');
  });
});
