import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoggedCommit, streamCommitLog } from '../../src/git/commit-log.js';
import { countCommits } from '../../src/git/count-commits.js';
import { setGitEnvironment } from '../../src/git/git-command.js';
import { createRepo, type TempRepo } from '../helpers/git-repo.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

async function all(r: TempRepo, revs: string[]): Promise<LoggedCommit[]> {
  const saved = { ...process.env };
  Object.assign(process.env, r.env);
  try {
    const out: LoggedCommit[] = [];
    for await (const c of streamCommitLog(r.dir, revs)) out.push(c);
    return out;
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

describe('streamCommitLog', () => {
  it('yields commits oldest first with the blobs each adds, empty commits and merges included', async () => {
    const r = createRepo();
    repos.push(r);
    r.write('a b.txt', 'a\n');
    const c1 = r.commitAll('first\n\nbody with: colon');
    const c2 = r.commitAll('empty');
    r.git('checkout', '-q', '-b', 'side');
    r.write('new\nline.txt', 'x\n');
    const c3 = r.commitAll('side');
    r.git('checkout', '-q', 'main');
    r.write('a b.txt', 'a2\n');
    const c4 = r.commitAll('main');
    r.git('merge', '-q', '--no-ff', '-m', 'merge', 'side');
    const c5 = r.git('rev-parse', 'HEAD').trim();
    r.git('rm', '-q', 'a b.txt');
    const c6 = r.commitAll('delete');
    const log = await all(r, ['--all']);
    expect(log.map((c) => c.sha)).toEqual(expect.arrayContaining([c1, c2, c3, c4, c5, c6]));
    expect(log).toHaveLength(6);
    const by = new Map(log.map((c) => [c.sha, c]));
    expect(log.indexOf(by.get(c1) as LoggedCommit)).toBe(0);
    // The message is not logged: the history source reads it from the commit object.
    expect(by.get(c1)).not.toHaveProperty('message');
    expect(by.get(c1)?.author).toBe('Test Author');
    expect(by.get(c1)?.files.map((f) => f.path)).toEqual(['a b.txt']);
    expect(by.get(c2)?.files).toEqual([]);
    expect(by.get(c3)?.files.map((f) => f.path)).toEqual(['new\nline.txt']);
    // The merge against its first parent brings the side file in.
    expect(by.get(c5)?.files.map((f) => f.path)).toEqual(['new\nline.txt']);
    // Deletions bring no blob.
    expect(by.get(c6)?.files).toEqual([]);
    expect(log.indexOf(by.get(c5) as LoggedCommit)).toBeGreaterThan(
      log.indexOf(by.get(c3) as LoggedCommit),
    );
  });

  it('takes the new mode and blob of each entry from git, whatever the message and names say', async () => {
    const r = createRepo();
    repos.push(r);
    const fake = `:100644 100644 ${'0'.repeat(40)} ${'1'.repeat(40)} M`;
    // A name and a message spelled like raw entries, and an executable file.
    r.write(fake, 'named like an entry\n');
    r.write('run.sh', '#!/bin/sh\n');
    chmodSync(join(r.dir, 'run.sh'), 0o755);
    const c1 = r.commitAll(`subject\n\n${fake}\n`);
    const log = await all(r, ['--all']);
    expect(log.map((c) => c.sha)).toEqual([c1]);
    const blobOf = (path: string) => r.git('rev-parse', `${c1}:${path}`).trim();
    expect(log[0]?.files).toEqual([
      { path: fake, mode: '100644', blob: blobOf(fake) },
      { path: 'run.sh', mode: '100755', blob: blobOf('run.sh') },
    ]);
  });

  it('reads a buffered log whole: every commit once and in order, tokens cut between reads', async () => {
    const r = createRepo();
    repos.push(r);
    const blob = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    let stream = '';
    // Long names (the author is the committer here): ~280 KB of log, so tokens are cut between
    // git's writes and reads.
    for (let n = 1; n <= 800; n++) {
      stream += `commit refs/heads/main\nmark :${n}\ncommitter ${'N'.repeat(n % 700)}T <t@example.invalid> ${1_700_000_000 + n} +0000\n`;
      stream += blob(`change ${n}\n\n${'x'.repeat(n % 700)}\n`);
      if (n > 1) stream += `from :${n - 1}\n`;
      stream += `M 100644 inline ${'d/'.repeat(n % 40)}f${n}.txt\n${blob(`v${n}\n`)}`;
    }
    const imported = spawnSync('git', ['fast-import', '--quiet'], {
      cwd: r.dir,
      env: r.env,
      input: stream,
    });
    expect(imported.status, String(imported.stderr)).toBe(0);
    // As the CLI runs it: the environment handed over, so git buffers the log (GIT_FLUSH=0).
    setGitEnvironment(r.env);
    const log: LoggedCommit[] = [];
    try {
      for await (const c of streamCommitLog(r.dir, ['--all'])) log.push(c);
    } finally {
      setGitEnvironment(process.env);
    }
    expect(log.map((c) => c.author.length)).toEqual(
      Array.from({ length: 800 }, (_, i) => ((i + 1) % 700) + 1),
    );
    expect(log.map((c) => c.files.map((f) => f.path).join())).toEqual(
      Array.from({ length: 800 }, (_, i) => `${'d/'.repeat((i + 1) % 40)}f${i + 1}.txt`),
    );
  });

  it('countCommits resolves ranges and fails on bad ones', async () => {
    const r = createRepo();
    repos.push(r);
    r.write('a', 'a');
    r.commitAll('one');
    r.write('a', 'b');
    r.commitAll('two');
    expect(await countCommits(r.dir, ['HEAD~1..HEAD'])).toBe(1);
    await expect(countCommits(r.dir, ['nope..HEAD'])).rejects.toThrow(
      /cannot resolve revision range 'nope\.\.HEAD'/,
    );
  });
});
