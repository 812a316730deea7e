import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/render.js';
import { writeAllFieldsTemplate } from '../helpers/every-format.js';
import {
  CLI,
  credentialsFile,
  type FakeCredentials,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';
import { assertBuilt, tempDir } from '../helpers/run-cli.js';

// `keyguard history` reads what its refs name outside any commit, as a clone carries it: annotated
// tags' text and blobs (or trees) a ref names, peeled as `pre-push` peels a pushed tag.

assertBuilt();
const repo = useTempRepos();

interface JsonFinding {
  kind: string;
  path: string;
  line: number;
  commit?: { sha: string };
}
interface JsonReport {
  findings: JsonFinding[];
  skipped: { items: { path: string; reason: string }[] };
  coverage: Record<string, string | number | boolean>;
}

const templateDir = tempDir();
afterAll(() => templateDir.cleanup());
const TEMPLATE = writeAllFieldsTemplate(templateDir.path);

function history(
  r: TempRepo,
  ...args: string[]
): { code: number; report: JsonReport; raw: string } {
  const res = r.keyguard(['history', '--format', 'json', ...args]);
  expect(res.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  return {
    code: res.code,
    report: JSON.parse(res.stdout) as JsonReport,
    raw: res.stdout + res.stderr,
  };
}

function pairs(report: JsonReport): JsonFinding[] {
  return report.findings.filter((f) => f.kind === 'credential-pair');
}

/** A repository with one clean commit. */
function cleanRepo(): TempRepo {
  const r = repo();
  r.write('README.md', 'hello\n');
  r.commitAll('init');
  return r;
}

function tagId(r: TempRepo, name: string): string {
  return r.git('rev-parse', `refs/tags/${name}`).trim();
}

/** The path a finding in tag `name`'s own text is reported under. */
function tagPath(ref: string, id: string): string {
  return `<tag ${ref} ${id.slice(0, 12)}>`;
}

/** A blob written straight into the object store (no commit holds it), and its id. */
function looseBlob(r: TempRepo, text: string | Buffer): string {
  const res = spawnSync('git', ['hash-object', '-w', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: text,
  });
  expect(res.status).toBe(0);
  return String(res.stdout).trim();
}

/** Every format's output of a history run: none may show a value raw, nor a piece of one. */
function everyFormat(r: TempRepo, values: readonly string[], check: (out: string) => void): void {
  for (const format of FORMATS) {
    const extra = format === 'template' ? ['--template', TEMPLATE] : [];
    const res = r.keyguard(['history', '--format', format, ...extra]);
    expect(res.code, `${format}: ${res.stderr}`).toBe(1);
    const out = res.stdout + res.stderr;
    for (const v of values) {
      expect(out, `${format} shows a raw value`).not.toContain(v);
      for (let i = 0; i + 8 <= v.length; i++) expect(out, format).not.toContain(v.slice(i, i + 8));
    }
    check(out);
  }
}

function release(c: FakeCredentials): string {
  return `Release 1.0\n\nstaging creds for QA:\naws_access_key_id=${c.keyId}\naws_secret_access_key=${c.secret}\n`;
}

describe('history: annotated tags and objects refs name', () => {
  it("finds a key pair in an annotated tag's message, masked in every format, where pre-push finds it", () => {
    const r = cleanRepo();
    const c = fakeCredentials(801);
    r.git('tag', '-a', 'v1.0', '-m', release(c));
    const id = tagId(r, 'v1.0');
    const all = history(r, '--no-cache');
    expect(all.code, all.raw).toBe(1);
    const found = pairs(all.report);
    expect(found).toHaveLength(1);
    // Lines as in `git cat-file tag v1.0`: four header lines, a blank one, the message.
    expect(found[0]).toMatchObject({ path: tagPath('refs/tags/v1.0', id), line: 9 });
    expect(found[0]?.commit).toBeUndefined();
    expect(all.report.coverage.refObjects).toBe(1);
    expect(history(r, '--tags', '--no-cache').code).toBe(1);
    expect(history(r, 'v1.0', '--no-cache').code).toBe(1);
    everyFormat(r, [c.keyId, c.secret], (out) => expect(out).toContain('refs/tags/v1.0'));

    // pre-push of the same tag reports it at the same place (one baseline entry serves both).
    const remote = join(r.dir, '..', 'remote.git');
    r.git('init', '-q', '--bare', remote);
    const push = spawnSync('node', [CLI, 'pre-push', remote, remote, '--format', 'json'], {
      cwd: r.dir,
      env: r.env,
      encoding: 'utf8',
      input: `refs/tags/v1.0 ${id} refs/tags/v1.0 ${'0'.repeat(40)}\n`,
    });
    expect(push.status, push.stderr).toBe(1);
    const pushed = JSON.parse(push.stdout) as JsonReport;
    expect(pairs(pushed).map((f) => f.path)).toEqual([tagPath('refs/tags/v1.0', id)]);
  });

  it('finds a key pair in a blob a lightweight tag names, and in a tree one names', () => {
    const r = cleanRepo();
    const c = fakeCredentials(802);
    r.git('tag', 'blobtag', looseBlob(r, credentialsFile(c)));
    const res = history(r, '--no-cache');
    expect(res.code, res.raw).toBe(1);
    expect(pairs(res.report).map((f) => f.path)).toEqual(['refs/tags/blobtag']);
    expect(res.raw).not.toContain(c.secret);

    const t = fakeCredentials(803);
    r.git('tag', '-d', 'blobtag');
    r.write('deploy/app.ini', credentialsFile(t));
    r.git('add', 'deploy/app.ini');
    const tree = r.git('write-tree').trim();
    r.git('reset', '-q');
    r.git('tag', 'treetag', tree);
    const inTree = history(r, '--no-cache');
    expect(inTree.code, inTree.raw).toBe(1);
    expect(pairs(inTree.report).map((f) => f.path)).toEqual(['refs/tags/treetag:deploy/app.ini']);
  });

  it('follows a tag of a tag: each text is read, under the ref that reached it', () => {
    const r = cleanRepo();
    const c = fakeCredentials(804);
    r.git('tag', '-a', 'inner', '-m', release(c));
    const inner = tagId(r, 'inner');
    r.git('-c', 'advice.nestedTag=false', 'tag', '-a', 'outer', '-m', 'outer', 'inner');
    // Only the outer tag has a ref: the inner one travels with it.
    r.git('tag', '-d', 'inner');
    const res = history(r, '--no-cache');
    expect(res.code, res.raw).toBe(1);
    expect(pairs(res.report).map((f) => f.path)).toEqual([tagPath('refs/tags/outer', inner)]);
    expect(res.report.coverage.refObjects).toBe(2);
  });

  it('a tag on a commit already scanned adds only its own text: nothing is reported twice', () => {
    const r = cleanRepo();
    const inCommit = fakeCredentials(805);
    r.write('deploy/app.ini', credentialsFile(inCommit));
    const keyed = r.commitAll('add settings');
    const blob = r.git('rev-parse', `${keyed}:deploy/app.ini`).trim();
    const inTag = fakeCredentials(806);
    r.git('tag', '-a', 'v2', '-m', release(inTag), keyed);
    // More refs to the same content: a lightweight tag on the commit, another on its key's blob.
    r.git('tag', 'light', keyed);
    r.git('tag', 'sameblob', blob);
    const res = history(r, '--no-cache');
    expect(res.code, res.raw).toBe(1);
    const found = pairs(res.report);
    expect(found.map((f) => f.path).sort()).toEqual(
      ['deploy/app.ini', tagPath('refs/tags/v2', tagId(r, 'v2'))].sort(),
    );
    expect(found.find((f) => f.path === 'deploy/app.ini')?.commit?.sha).toBe(keyed);
    // The blob was read once, in its commit: the tag naming it did not read it again.
    expect(res.report.coverage).toMatchObject({ refObjects: 2, commits: 2 });
  });

  it('a range reads the tags at its including end, as a push of that end would', () => {
    const r = cleanRepo();
    const base = r.git('rev-parse', 'HEAD').trim();
    r.write('b.txt', 'b\n');
    r.commitAll('second');
    const c = fakeCredentials(807);
    r.git('tag', '-a', 'v2', '-m', release(c));
    const path = tagPath('refs/tags/v2', tagId(r, 'v2'));
    const included = history(r, '--no-cache', `${base}..v2`);
    expect(included.code, included.raw).toBe(1);
    expect(pairs(included.report).map((f) => f.path)).toEqual([path]);
    expect(history(r, '--no-cache', `v2...${base}`).code).toBe(1);
    // Excluded ends are what the other side has: not read.
    expect(history(r, '--no-cache', 'v2..main').code).toBe(0);
    expect(history(r, '--no-cache', '--all', '^v2').code).toBe(0);
    expect(history(r, '--no-cache', '--branches').code).toBe(0);
    // Narrowed to paths: a tag's text is under none.
    expect(history(r, '--no-cache', '--', 'b.txt').code).toBe(0);
    // Commit filters choose commits, not refs: the tag is read whatever they say.
    expect(history(r, '--no-cache', '-n', '1', '--tags').code).toBe(1);
  });

  it('a cached run still reads a new tag, and a blob a new tag names', () => {
    const r = cleanRepo();
    r.git('tag', '-a', 'v1', '-m', 'a clean release');
    const first = history(r);
    expect(first.code, first.raw).toBe(0);
    expect(first.report.coverage).toMatchObject({ cache: 'new', refObjects: 1 });
    // Every commit is remembered now; a new tag on the old commit must still be read.
    const c = fakeCredentials(808);
    r.git('tag', '-a', 'v2', '-m', release(c), 'v1^{}');
    const again = history(r);
    expect(again.code, again.raw).toBe(1);
    expect(again.report.coverage).toMatchObject({ cache: 'used', commitsFromCache: 1 });
    expect(pairs(again.report).map((f) => f.path)).toEqual([
      tagPath('refs/tags/v2', tagId(r, 'v2')),
    ]);
    // Found on every run: a tag that holds a key is never remembered clean.
    expect(history(r).code).toBe(1);
    r.git('tag', '-d', 'v2');
    expect(history(r).code).toBe(0);
    r.git('tag', 'blobtag', looseBlob(r, credentialsFile(fakeCredentials(809))));
    const blob = history(r);
    expect(blob.code, blob.raw).toBe(1);
    expect(pairs(blob.report).map((f) => f.path)).toEqual(['refs/tags/blobtag']);
  });

  it('hostile tags: odd names, control characters, a chain too deep, objects over the size limit', () => {
    const r = cleanRepo();
    const c = fakeCredentials(810);
    const name = `v1<b>"&'|$(id);\`x\`%s{}`;
    r.git('tag', '-a', name, '-m', `\x1b[31mred\x1b[0m\x07\r\n\n${release(c)}\x1b]0;title\x07`);
    const res = history(r, '--no-cache');
    expect(res.code, res.raw).toBe(1);
    expect(pairs(res.report).map((f) => f.path)).toEqual([
      tagPath(`refs/tags/${name}`, tagId(r, name)),
    ]);
    everyFormat(r, [c.keyId, c.secret], (out) => {
      expect(out).not.toContain('\x1b');
      expect(out).not.toContain('\x07');
    });
    r.git('tag', '-d', name);

    // A blob over --max-file-size that a tag names: listed as a skip, the scan incomplete.
    r.git('tag', 'big', looseBlob(r, `${'x'.repeat(4000)}\n`));
    const big = history(r, '--no-cache', '--max-file-size', '1000');
    expect(big.code, big.raw).toBe(2);
    expect(big.report.skipped.items.map((s) => [s.path, s.reason])).toContainEqual([
      'refs/tags/big',
      'too-large',
    ]);
    r.git('tag', '-d', 'big');

    // A chain of tags deeper than git ever makes: refused, exit 2, never followed without end.
    let target = 'HEAD';
    for (let i = 0; i < 66; i++) {
      r.git('-c', 'advice.nestedTag=false', 'tag', '-a', `t${i}`, '-m', `t${i}`, target);
      target = `t${i}`;
    }
    const deep = r.keyguard(['history', '--no-cache']);
    expect(deep.code, deep.stderr).toBe(2);
    expect(deep.stderr).toMatch(/tag chain deeper than 64/);
  });

  it('a huge tag message is read in pieces, its key at the end found, and a size limit skips it', () => {
    const r = cleanRepo();
    const c = fakeCredentials(811);
    const message = join(r.dir, '..', 'message.txt');
    writeFileSync(message, `huge\n\n${'filler line\n'.repeat(800_000)}${credentialsFile(c)}`);
    r.git('tag', '-a', 'huge', '-F', message);
    const path = tagPath('refs/tags/huge', tagId(r, 'huge'));
    const res = history(r, '--no-cache');
    expect(res.code, res.raw).toBe(1);
    expect(pairs(res.report).map((f) => f.path)).toEqual([path]);
    expect(res.raw).not.toContain(c.secret);
    const limited = history(r, '--no-cache', '--max-file-size', '1000000');
    expect(limited.code, limited.raw).toBe(2);
    expect(limited.report.skipped.items.map((s) => [s.path, s.reason])).toContainEqual([
      path,
      'too-large',
    ]);
  });
});
