import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  readFileSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  type FakeCredentials,
  fakeCredentials,
  literalCommit,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';

interface JsonFinding {
  ruleId: string;
  kind: string;
  path: string;
  line: number;
  commit?: { sha: string; author?: string; date?: string };
  occurrences?: number;
  redacted: string;
}
interface JsonReport {
  findings: JsonFinding[];
  stats: { commits?: number; blobs?: number };
  coverage?: Record<string, string | number | boolean>;
}

const HAS_SCRIPT = spawnSync('script', ['--version']).error === undefined;

/** A fresh repository per call, removed after each test. */
const repo = useTempRepos();

function history(
  r: TempRepo,
  ...args: string[]
): { code: number; report: JsonReport; raw: string } {
  const res = r.keyguard(['history', '--format', 'json', ...args]);
  expect(res.stderr).not.toMatch(/internal error/);
  return {
    code: res.code,
    report: JSON.parse(res.stdout) as JsonReport,
    raw: res.stdout + res.stderr,
  };
}

function pairs(report: JsonReport): JsonFinding[] {
  return report.findings.filter((f) => f.kind === 'credential-pair');
}

/** Three commits: a clean one, one adding a key pair in k.ini, one removing it again. */
function keyAddedThenRemoved(r: TempRepo, seed: number) {
  r.write('a.txt', 'a\n');
  const first = r.commitAll('init');
  r.write('k.ini', credentialsFile(fakeCredentials(seed)));
  const keyed = r.commitAll('key');
  r.git('rm', '-q', 'k.ini');
  return { first, keyed, last: r.commitAll('gone') };
}

function noLeak(raw: string, c: FakeCredentials): void {
  expect(raw).not.toContain(c.secret);
  expect(raw).not.toContain(c.keyId);
}

describe('keyguard history', () => {
  it('finds a key added then removed, attributed to the commit that added it', () => {
    const r = repo();
    r.write('README.md', 'hi\n');
    r.commitAll('init');
    const c = fakeCredentials(11);
    r.write('deploy/creds.ini', credentialsFile(c));
    const added = r.commitAll('add creds');
    r.write('deploy/creds.ini', 'moved to the vault\n');
    r.commitAll('remove creds');
    const { code, report, raw } = history(r);
    expect(code).toBe(1);
    const found = pairs(report);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('deploy/creds.ini');
    expect(found[0]?.commit?.sha).toBe(added);
    expect(found[0]?.commit?.author).toBe('Test Author');
    expect(report.stats.commits).toBe(3);
    expect(report.coverage?.commits).toBe(3);
    expect(report.coverage?.partial).toBe(false);
    noLeak(raw, c);
    // The working tree is clean: only history has it.
    expect(r.keyguard(['tree']).code).toBe(0);
  });

  it('finds a key pair written into a symbolic link, naming the link, nothing raw shown', () => {
    const r = repo();
    r.write('README.md', 'hi\n');
    r.commitAll('init');
    const c = fakeCredentials(19);
    symlinkSync(
      `aws_access_key_id=${c.keyId} aws_secret_access_key=${c.secret}`,
      join(r.dir, 'link'),
    );
    const added = r.commitAll('add link');
    r.git('rm', '-q', 'link');
    r.commitAll('remove link');
    const { code, report, raw } = history(r, '--no-cache');
    expect(code).toBe(1);
    expect(pairs(report).map((f) => [f.path, f.commit?.sha])).toEqual([['link', added]]);
    expect(report.coverage).not.toHaveProperty('symlinkEntriesSkipped');
    noLeak(raw, c);
    const human = r.keyguard(['history', '--no-cache']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^link:1:\d+ +HIGH +AWS access key pair/m);
    noLeak(human.stdout + human.stderr, c);
  });

  it('reports the same secret kept across edits once, with the number of commits', () => {
    const r = repo();
    const c = fakeCredentials(12);
    r.write('app.ini', `${credentialsFile(c)}v = 1\n`);
    const first = r.commitAll('v1');
    r.write('app.ini', `${credentialsFile(c)}v = 2\n`);
    r.commitAll('v2');
    r.write('app.ini', `${credentialsFile(c)}v = 3\n`);
    r.commitAll('v3');
    const { report } = history(r);
    const found = pairs(report);
    expect(found).toHaveLength(1);
    expect(found[0]?.commit?.sha).toBe(first);
    expect(found[0]?.occurrences).toBe(3);
  });

  it('finds keys on unmerged branches by default, and honours a range', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    r.git('checkout', '-q', '-b', 'feature');
    const c = fakeCredentials(13);
    r.write('f.ini', credentialsFile(c));
    const leak = r.commitAll('feature leak');
    r.git('checkout', '-q', 'main');
    r.write('b.txt', 'b\n');
    r.commitAll('main work');
    expect(pairs(history(r).report)[0]?.commit?.sha).toBe(leak);
    const onlyMain = history(r, 'main');
    expect(onlyMain.code).toBe(0);
    expect(onlyMain.report.coverage?.commits).toBe(2);
    // The helper dates commits from 2023-11 on: a later --since selects nothing (and says so).
    const none = r.keyguard(['history', '--since', '2030-01-01']);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/selects no commits/);
    expect(history(r, '--since', '2020-01-01').report.coverage?.commits).toBe(3);
    const range = history(r, 'main..feature');
    expect(range.report.coverage?.commits).toBe(1);
    expect(pairs(range.report)).toHaveLength(1);
  });

  it('finds a key that arrives only in a merge commit (conflict resolution)', () => {
    const r = repo();
    r.write('conf.ini', 'x = 0\n');
    r.commitAll('init');
    r.conflict('conf.ini');
    const c = fakeCredentials(14);
    r.write('conf.ini', `x = merged\n${credentialsFile(c)}`);
    const merge = r.commitAll('merge side');
    expect(r.git('rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ')).toHaveLength(3);
    const found = pairs(history(r).report);
    expect(found).toHaveLength(1);
    expect(found[0]?.commit?.sha).toBe(merge);
  });

  it('finds a secret in a commit message', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const c = fakeCredentials(15);
    // An empty commit: only its message carries the key.
    const sha = r.commitAll(`temp creds for the demo\n\n${credentialsFile(c)}`);
    const { code, report, raw } = history(r);
    expect(code).toBe(1);
    const found = pairs(report);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('<commit message>');
    expect(found[0]?.commit?.sha).toBe(sha);
    noLeak(raw, c);
  });

  it('finds a key in commit-object text git log does not print: an extra header, text after a NUL', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const who =
      'author a <a@b.invalid> 1700000000 +0000\ncommitter a <a@b.invalid> 1700000000 +0000\n';
    const header = fakeCredentials(16);
    const headerSha = literalCommit(
      r,
      `${who}x-deploy aws_access_key_id=${header.keyId} aws_secret_access_key=${header.secret}\n\nsubject\n`,
    );
    const tail = fakeCredentials(17);
    const tailSha = literalCommit(r, `${who}\nsubject\0\n${credentialsFile(tail)}`);
    // git's own view: neither key is in what git log prints, so only the object holds them.
    const shown = r.git('log', '--format=%B%n%an%n%ae', 'HEAD');
    expect(shown).not.toContain(header.keyId);
    expect(shown).not.toContain(tail.keyId);
    const { code, report, raw } = history(r);
    expect(code).toBe(1);
    const found = pairs(report).map((f) => [f.path, f.line, f.commit?.sha]);
    // Lines as `git cat-file commit <id>` numbers them: tree, parent, author, committer, x-deploy;
    // then a blank line, `subject` and its NUL, `[default]`, and the key ID on the 8th.
    expect(found).toEqual([
      ['<commit object>', 5, headerSha],
      ['<commit object>', 8, tailSha],
    ]);
    noLeak(raw, header);
    noLeak(raw, tail);
    // The history cache never remembers such a commit as clean: a second run finds both again.
    expect(pairs(history(r).report).map((f) => f.commit?.sha)).toEqual([headerSha, tailSha]);
    // An ordinary commit's object adds nothing: a message key is one finding, at the message.
    r.git('update-ref', 'HEAD', r.git('rev-parse', 'HEAD~2').trim());
    const c = fakeCredentials(18);
    r.commitAll(`creds\n\n${credentialsFile(c)}`);
    expect(pairs(history(r).report).map((f) => f.path)).toEqual(['<commit message>']);
  });

  it('a key pair in an author name is found, and shown masked in every format', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const c = fakeCredentials(20);
    const sha = literalCommit(
      r,
      `author aws_access_key_id = ${c.keyId} aws_secret_access_key = ${c.secret} <${c.keyId}@x.invalid> 1700000000 +0000\ncommitter a <a@b.invalid> 1700000000 +0000\n\nhello\n`,
    );
    for (const format of [
      'human',
      'json',
      'sarif',
      'csv',
      'gitlab',
      'junit',
      'markdown',
      'github',
    ]) {
      const res = r.keyguard(['history', '--no-cache', '-f', format]);
      expect(res.code, `${format}: ${res.stderr}`).toBe(1);
      noLeak(res.stdout + res.stderr, c);
    }
    const found = pairs(history(r, '--no-cache').report);
    expect(found.map((f) => [f.path, f.line, f.commit?.sha])).toEqual([
      ['<commit object>', 3, sha],
    ]);
    expect(found[0]?.commit?.author).toContain(
      `${c.keyId.slice(0, 4)}************${c.keyId.slice(-4)}`,
    );
  });

  it('reads a message in another encoding as git log shows it, and opens an archive after a NUL', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const who =
      'author a <a@b.invalid> 1700000000 +0000\ncommitter a <a@b.invalid> 1700000000 +0000\n';
    // EBCDIC (IBM037), in which no byte of the object reads as ASCII: git log re-encodes it.
    const ranges: [string, number, number][] = [
      ['a', 0x81, 9],
      ['j', 0x91, 9],
      ['s', 0xa2, 8],
      ['A', 0xc1, 9],
      ['J', 0xd1, 9],
      ['S', 0xe2, 8],
      ['0', 0xf0, 10],
    ];
    const others: Record<string, number> = {
      ' ': 0x40,
      '=': 0x7e,
      _: 0x6d,
      '/': 0x61,
      '+': 0x4e,
      '\n': 0x25,
    };
    const ebcdic = (text: string) =>
      Buffer.from(
        [...text].map((ch) => {
          for (const [first, code, count] of ranges) {
            const at = ch.charCodeAt(0) - first.charCodeAt(0);
            if (at >= 0 && at < count) return code + at;
          }
          const code = others[ch];
          if (code === undefined) throw new Error(`no EBCDIC for ${ch}`);
          return code;
        }),
      );
    const encoded = fakeCredentials(21);
    const body = `subject\n\naws_access_key_id = ${encoded.keyId}\naws_secret_access_key = ${encoded.secret}\n`;
    const encodedSha = literalCommit(
      r,
      Buffer.concat([Buffer.from(`${who}encoding IBM037\n\n`), ebcdic(body)]),
    );
    // The setup holds only if git itself shows the key: the object's bytes never do.
    expect(r.git('log', '-1', '--format=%B', encodedSha)).toContain(encoded.keyId);
    const zipped = fakeCredentials(22);
    const zippedSha = literalCommit(
      r,
      Buffer.concat([
        Buffer.from(`${who}\nsubject\n\0`),
        gzipSync(Buffer.from(credentialsFile(zipped))),
      ]),
    );
    const { code, report, raw } = history(r, '--no-cache');
    expect(code).toBe(1);
    const found = pairs(report).map((f) => [f.path.replace(/!.*/, '!'), f.commit?.sha]);
    expect(found).toEqual([
      ['<commit message>', encodedSha],
      ['<commit object>!', zippedSha],
    ]);
    noLeak(raw, encoded);
    noLeak(raw, zipped);
  });

  it('reads objects as they are: a replace ref or a grafts file cannot hide a commit', () => {
    const r = repo();
    const { first: clean, keyed, last: after } = keyAddedThenRemoved(r, 19);
    // A grafts file makes `after` a child of `clean`: git's walk no longer reaches `keyed`.
    writeFileSync(join(r.dir, '.git', 'info', 'grafts'), `${after} ${clean}\n`);
    expect(r.git('rev-list', '--all')).not.toContain(keyed);
    expect(pairs(history(r, '--no-cache').report).map((f) => f.commit?.sha)).toEqual([keyed]);
    unlinkSync(join(r.dir, '.git', 'info', 'grafts'));
    // A replace ref hands out a clean commit for `keyed`.
    const stand = r.git('commit-tree', '-p', clean, '-m', 'key', `${clean}^{tree}`).trim();
    r.git('replace', keyed, stand);
    expect(r.git('show', '--stat', '--format=', keyed)).not.toContain('k.ini');
    expect(pairs(history(r, '--no-cache').report).map((f) => f.commit?.sha)).toEqual([keyed]);
  });

  it('a commit-graph file that leaves a parent out cannot hide a commit', () => {
    const r = repo();
    const { first: root, keyed, last: tip } = keyAddedThenRemoved(r, 23);
    r.git('commit-graph', 'write', '--reachable');
    // The graph's record of `tip` names `root` as its parent (CDAT: tree id, parent positions).
    const file = join(r.dir, '.git', 'objects', 'info', 'commit-graph');
    const graph = readFileSync(file);
    const chunk = (id: string) => {
      for (let i = 0; i < (graph[6] ?? 0); i++) {
        const at = 8 + 12 * i;
        if (graph.toString('latin1', at, at + 4) === id)
          return Number(graph.readBigUInt64BE(at + 4));
      }
      throw new Error(`no ${id} chunk`);
    };
    const [ids, data] = [chunk('OIDL'), chunk('CDAT')];
    const position = (sha: string) => {
      for (let i = 0; ids + i * 20 < data; i++) {
        if (graph.toString('hex', ids + i * 20, ids + i * 20 + 20) === sha) return i;
      }
      throw new Error(`${sha} not in the graph`);
    };
    graph.writeUInt32BE(position(root), data + position(tip) * 36 + 20);
    chmodSync(file, 0o644);
    writeFileSync(file, graph);
    expect(r.git('rev-list', 'HEAD')).not.toContain(keyed);
    expect(pairs(history(r, '--no-cache').report).map((f) => f.commit?.sha)).toEqual([keyed]);
  });

  it("a git error names git's own cause, not a warning about grafts", () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const tree = r.git('rev-parse', 'HEAD^{tree}').trim();
    unlinkSync(join(r.dir, '.git', 'objects', tree.slice(0, 2), tree.slice(2)));
    const res = r.keyguard(['history', '--no-cache']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(tree);
    expect(res.stderr).not.toMatch(/grafts/);
  });

  it('a message under an encoding git converts is read as its bytes too', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const c = fakeCredentials(24);
    // Plain ASCII under a header that says UTF-16: git log shows other characters, a clone the key.
    let body = `aws_access_key_id = ${c.keyId}\naws_secret_access_key = ${c.secret}\n`;
    if (body.length % 2 === 1) body += ' ';
    const sha = literalCommit(
      r,
      `author a <a@b.invalid> 1700000000 +0000\ncommitter a <a@b.invalid> 1700000000 +0000\nencoding UTF-16LE\n\n${body}`,
    );
    expect(r.git('log', '-1', '--format=%B', sha)).not.toContain(c.keyId);
    expect(pairs(history(r, '--no-cache').report).map((f) => [f.path, f.commit?.sha])).toEqual([
      ['<commit message>', sha],
    ]);
  });

  it('fails closed on a shallow clone (exit 2), and --allow-partial says partial', () => {
    const r = repo();
    for (let i = 0; i < 3; i++) {
      r.write('n.txt', `${i}\n`);
      r.commitAll(`c${i}`);
    }
    const clone = join(r.dir, '..', 'shallow');
    r.git('clone', '-q', '--depth', '1', `file://${r.dir}`, clone);
    const run = (...args: string[]) =>
      spawnSync('node', [CLI, 'history', ...args], { cwd: clone, env: r.env, encoding: 'utf8' });
    const refused = run();
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/shallow clone/);
    expect(refused.stderr).toMatch(/--allow-partial/);
    expect(refused.stdout).toBe('');
    const partial = run('--allow-partial', '--format', 'json');
    expect(partial.status).toBe(0);
    expect(JSON.parse(partial.stdout).coverage.partial).toBe(true);
    expect(partial.stderr).toMatch(/PARTIAL/);
    const human = run('--allow-partial');
    expect(human.stdout).toMatch(/PARTIAL scan/);
  });

  it('a blob missing from the repository fails closed; --allow-partial scans the rest and says so', () => {
    const r = repo();
    r.write('gone.txt', 'this blob will be lost\n');
    r.commitAll('one');
    r.write('kept.txt', 'kept\n');
    r.commitAll('two');
    const id = r.git('rev-parse', 'HEAD~1:gone.txt').trim();
    unlinkSync(join(r.dir, '.git', 'objects', id.slice(0, 2), id.slice(2)));
    const refused = r.keyguard(['history']);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/missing from the repository/);
    expect(refused.stderr).toMatch(/the rest were not scanned/);
    const partial = history(r, '--allow-partial');
    expect(partial.code).toBe(0);
    expect(partial.report.coverage?.partial).toBe(true);
    expect(String(partial.report.coverage?.partialReason)).toMatch(/1 blob\(s\) missing/);
    expect(partial.raw).toMatch(/PARTIAL/);
  });

  it('a bad range exits 2 with a one-line error', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const res = r.keyguard(['history', 'main..no-such-branch']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/main\.\.no-such-branch/);
    // A revision can never become an option: it reaches git after --end-of-options.
    const flag = r.keyguard(['history', '^--output=x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/cannot resolve/);
    expect(existsSync(join(r.dir, 'x'))).toBe(false);
    const since = r.keyguard(['history', '--since', 'garbage']);
    expect(since.code).toBe(2);
    expect(since.stderr).toMatch(/--since/);
  });

  // `script` (util-linux) gives the CLI a terminal; without it the case is skipped, visibly.
  it.skipIf(!HAS_SCRIPT)(
    'shows a progress line on a terminal, and none when stderr is not one',
    () => {
      const r = repo();
      for (let i = 0; i < 3; i++) {
        r.write('n.txt', `${i}\n`);
        r.commitAll(`c${i}`);
      }
      const tty = spawnSync('script', ['-qec', `node ${CLI} history --format json`, '/dev/null'], {
        cwd: r.dir,
        env: { ...r.env, CI: '' },
        encoding: 'utf8',
      });
      expect(tty.stdout).toMatch(/keyguard history: commits 3\/3 100% \(\d+\/s/);
      const piped = r.keyguard(['history']);
      expect(piped.stderr).toBe('');
    },
  );

  it('outside a repository: exit 2', () => {
    const r = repo();
    const res = r.keyguard(['history'], join(r.dir, '..', 'home'));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/not inside a git work tree/);
  });

  it('--pre-push scans PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF', () => {
    const r = repo();
    r.write('a.txt', 'a\n');
    const base = r.commitAll('init');
    const c = fakeCredentials(16);
    r.write('k.ini', credentialsFile(c));
    const tip = r.commitAll('leak');
    const res = spawnSync('node', [CLI, 'history', '--pre-push', '--format', 'json'], {
      cwd: r.dir,
      env: { ...r.env, PRE_COMMIT_FROM_REF: base, PRE_COMMIT_TO_REF: tip },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(JSON.parse(res.stdout).coverage.commits).toBe(1);
    const deletion = spawnSync('node', [CLI, 'history', '--pre-push'], {
      cwd: r.dir,
      env: { ...r.env, PRE_COMMIT_FROM_REF: tip, PRE_COMMIT_TO_REF: '0'.repeat(40) },
      encoding: 'utf8',
    });
    expect(deletion.status).toBe(0);
    const newBranch = spawnSync('node', [CLI, 'history', '--pre-push', '--format', 'json'], {
      cwd: r.dir,
      env: { ...r.env, PRE_COMMIT_FROM_REF: '0'.repeat(40), PRE_COMMIT_TO_REF: tip },
      encoding: 'utf8',
    });
    // No remote knows any commit yet: both are scanned.
    expect(JSON.parse(newBranch.stdout).coverage.commits).toBe(2);
    const missing = r.keyguard(['history', '--pre-push']);
    expect(missing.code).toBe(2);
  });

  it('--pre-push without a range scans the pushed branch minus what the remote has', () => {
    // pre-commit's case for a push that reaches a root commit: branch and remote, no range.
    const r = repo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const remote = join(r.dir, '..', 'remote.git');
    r.git('init', '-q', '--bare', remote);
    r.git('remote', 'add', 'origin', remote);
    r.git('push', '-q', 'origin', 'main');
    r.write('k.ini', credentialsFile(fakeCredentials(17)));
    r.commitAll('leak');
    const env = { ...r.env, PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main' };
    const run = (extra: Record<string, string>) =>
      spawnSync('node', [CLI, 'history', '--pre-push', '--format', 'json'], {
        cwd: r.dir,
        env: { ...env, ...extra },
        encoding: 'utf8',
      });
    const pushed = run({ PRE_COMMIT_REMOTE_NAME: 'origin' });
    expect(pushed.status, pushed.stderr).toBe(1);
    // origin has the first commit: only the new one is scanned.
    expect(JSON.parse(pushed.stdout).coverage.commits).toBe(1);
    const elsewhere = run({ PRE_COMMIT_REMOTE_NAME: 'upstream' });
    expect(JSON.parse(elsewhere.stdout).coverage.commits).toBe(2);
  });
});
