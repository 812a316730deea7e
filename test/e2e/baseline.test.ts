import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../helpers/action-repos.js';
import { type FakePair, fakePair, leaks } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

beforeAll(() => {
  assertBuilt();
});

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

function creds(p: FakePair): string {
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

function project(files: Record<string, string>): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir.path, name), text);
  return dir.path;
}

interface Report {
  findings: { path: string; line: number }[];
  suppressed: { count: number; byKind: Record<string, number> };
  staleBaseline: { ruleId: string; path: string; secretHash: string }[];
}

function report(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

describe('keyguard baseline', () => {
  it('writes only inside the repository the config belongs to, and only from inside it', () => {
    const home = tempDir();
    cleanups.push(home.cleanup);
    const repo = join(home.path, 'src', 'hostile');
    mkdirSync(repo, { recursive: true });
    const a = fakePair();
    // A hostile clone's config names a file two folders up: a login shell's profile.
    writeFileSync(join(repo, '.keyguard.json'), '{ "baseline": "../../.bash_profile" }\n');
    writeFileSync(join(repo, 'x.ini'), creds(a));
    const inside = runCli(['baseline'], { cwd: repo });
    expect(inside.code, inside.stderr).toBe(2);
    expect(inside.stderr).toMatch(/outside .*may only name files inside it/);
    expect(existsSync(join(home.path, '.bash_profile'))).toBe(false);
    // From outside the folder, baseline and audit refuse to edit someone else's files at all.
    for (const args of [
      ['baseline', repo],
      ['audit', repo, '--list'],
    ]) {
      const r = runCli(args, { cwd: home.path });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/edits a repository's own files: run it inside/);
    }
    expect(existsSync(join(home.path, '.bash_profile'))).toBe(false);
    // A file the user names with a flag is theirs to place.
    const named = runCli(['baseline', '--output', join(home.path, 'kept.json')], { cwd: repo });
    expect(named.code, named.stderr).toBe(0);
    expect(existsSync(join(home.path, 'kept.json'))).toBe(true);
  });

  it('writes a sorted, line-free, secret-free baseline that every later scan honours', () => {
    const a = fakePair();
    const b = fakePair();
    const dir = project({ 'b.ini': creds(a), 'a.ts': `const id = '${b.id}';\n` });
    const made = runCli(['baseline'], { cwd: dir });
    expect(made.code).toBe(0);
    expect(made.stderr).toContain('wrote 2 entries to .keyguard-baseline.json (2 added, 0 removed');
    const text = readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8');
    expect(leaks(text + made.stdout + made.stderr, [a, b])).toEqual([]);
    expect(text).not.toMatch(/"line"|"column"/);
    const file = JSON.parse(text) as { version: number; key: string; entries: { path: string }[] };
    expect(file.version).toBe(2);
    expect(file.key).toMatch(/^[0-9a-f]{64}$/);
    expect(file.entries.map((e) => e.path)).toEqual(['a.ts', 'b.ini']);
    // The pair is known by its secret's sha256; the lone key ID by a keyed hash only.
    expect(text.split('\n').filter((l) => l.includes('"secretHash"')).length).toBe(1);
    expect(text.split('\n').filter((l) => l.includes('"secretHmac"')).length).toBe(1);
    expect(text).not.toContain(sha256(b.id));
    const clean = runCli(['tree', '-f', 'json'], { cwd: dir });
    expect(clean.code).toBe(0);
    expect(report(clean.stdout).suppressed.byKind).toEqual({ baseline: 2 });
    // Regenerating changes nothing: merge-friendly and stable.
    expect(runCli(['baseline'], { cwd: dir }).stderr).toContain('(0 added, 0 removed');
    expect(readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8')).toBe(text);
  });

  it('accepts a key written in a file name by the name as shown, never writing the key itself', () => {
    const p = fakePair();
    const secret = p.secret.replaceAll('/', 'Q');
    const name = `aws_access_key_id=${p.id},aws_secret_access_key=${secret}.txt`;
    const dir = project({ [name]: 'x\n', 'README.md': 'hi\n' });
    const raw = [{ id: p.id, secret }];
    // An entry an older keyguard wrote with the name as it was, outside the paths scanned next:
    // carried over, and written masked.
    writeFileSync(
      join(dir, '.keyguard-baseline.json'),
      JSON.stringify({
        version: 2,
        key: 'cd'.repeat(32),
        entries: [{ ruleId: 'aws-access-key-pair', path: `old/${name}`, secretHash: sha256('x') }],
      }),
    );
    expect(runCli(['tree', '.'], { cwd: dir }).code).toBe(1);
    const partial = runCli(['baseline', 'README.md'], { cwd: dir });
    expect(partial.code, partial.stderr).toBe(0);
    const carried = readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8');
    expect(leaks(carried, raw)).toEqual([]);
    expect(carried).toContain(`old/aws_access_key_id=AKIA${'*'.repeat(12)}${p.id.slice(-4)}`);
    const written = runCli(['baseline'], { cwd: dir });
    expect(written.code, written.stderr).toBe(0);
    const file = readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8');
    expect(leaks(file, raw)).toEqual([]);
    expect(file).toContain(`aws_access_key_id=AKIA${'*'.repeat(12)}${p.id.slice(-4)}`);
    const again = runCli(['tree', '.', '-f', 'json'], { cwd: dir });
    expect(again.code, again.stdout).toBe(0);
    expect(report(again.stdout).suppressed.byKind).toEqual({ baseline: 1 });
  });

  it('keeps suppressing after lines move, reports a new secret in the same file', () => {
    const a = fakePair();
    const dir = project({ 'app.ini': creds(a) });
    expect(runCli(['baseline'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'app.ini'), `# moved down\n\n\n${creds(a)}`);
    expect(runCli(['tree'], { cwd: dir }).code).toBe(0);
    const b = fakePair();
    writeFileSync(join(dir, 'app.ini'), `# moved down\n\n\n${creds(a)}\n${creds(b)}`);
    const r = runCli(['tree', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(report(r.stdout).findings.map((f) => `${f.path}:${f.line}`)).toEqual(['app.ini:9']);
    expect(report(r.stdout).suppressed.count).toBe(1);
  });

  it('lists stale entries in human and JSON output and as a warning; --fail-on-stale fails', () => {
    const a = fakePair();
    const b = fakePair();
    const dir = project({ 'one.ini': creds(a), 'two.ini': creds(b) });
    expect(runCli(['baseline'], { cwd: dir }).code).toBe(0);
    writeFileSync(join(dir, 'two.ini'), 'rotated and removed\n');
    const human = runCli(['tree'], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('stale baseline entry: aws-access-key-pair in two.ini');
    expect(human.stdout).toContain('1 stale baseline');
    expect(human.stderr).toContain('keyguard: warning: 1 baseline entry matches nothing any more');
    const json = runCli(['tree', '-f', 'json'], { cwd: dir });
    expect(report(json.stdout).staleBaseline.map((e) => e.path)).toEqual(['two.ini']);
    expect(runCli(['tree', '--fail-on-stale'], { cwd: dir }).code).toBe(1);
    // A scan of a narrower path does not call entries elsewhere stale.
    const narrow = runCli(['tree', 'one.ini', '--fail-on-stale', '-f', 'json'], { cwd: dir });
    expect(narrow.code).toBe(0);
    expect(report(narrow.stdout).staleBaseline).toEqual([]);
    // Regenerating prunes it.
    expect(runCli(['baseline'], { cwd: dir }).stderr).toContain('(0 added, 1 removed');
    expect(runCli(['tree', '--fail-on-stale'], { cwd: dir }).code).toBe(0);
  });

  it('writes where --output says, and that file is used with --baseline', () => {
    const a = fakePair();
    const dir = project({ 'x.ini': creds(a) });
    expect(runCli(['baseline', '--output', 'accepted.json'], { cwd: dir }).code).toBe(0);
    expect(runCli(['tree'], { cwd: dir }).code).toBe(1);
    expect(runCli(['tree', '--baseline', 'accepted.json'], { cwd: dir }).code).toBe(0);
    expect(
      runCli(['tree', '--baseline', 'accepted.json', '--no-baseline'], { cwd: dir }).code,
    ).toBe(1);
  });

  it('with paths, keeps entries for files outside them', () => {
    const a = fakePair();
    const b = fakePair();
    const dir = project({ 'in.ini': creds(a), 'out.ini': creds(b) });
    expect(runCli(['baseline'], { cwd: dir }).code).toBe(0);
    const again = runCli(['baseline', 'in.ini'], { cwd: dir });
    expect(again.stderr).toContain('wrote 2 entries');
    expect(runCli(['tree'], { cwd: dir }).code).toBe(0);
  });

  it('is honoured by staged, history and stdin scans too', () => {
    const s = createSandbox();
    cleanups.push(s.cleanup);
    const a = fakePair();
    const b = fakePair();
    s.commit({ 'app.ini': creds(a) }, 'old secret');
    const cli = (args: string[], input?: string) =>
      runCli(args, { cwd: s.author, env: s.env, ...(input === undefined ? {} : { input }) });
    expect(cli(['history']).code).toBe(1);
    expect(cli(['baseline']).code).toBe(0);
    // history: the accepted secret is suppressed in every commit that holds it.
    expect(cli(['history']).code).toBe(0);
    // staged: moving the accepted lines is fine, adding a new secret is not.
    writeFileSync(join(s.author, 'app.ini'), `# header\n\n${creds(a)}`);
    s.git(s.author, 'add', 'app.ini');
    expect(cli(['staged']).code).toBe(0);
    writeFileSync(join(s.author, 'app.ini'), `# header\n\n${creds(a)}\n${creds(b)}`);
    s.git(s.author, 'add', 'app.ini');
    const staged = cli(['staged', '-f', 'json']);
    expect(staged.code).toBe(1);
    expect(report(staged.stdout).findings.length).toBe(1);
    // stdin, reported under the accepted path.
    expect(cli(['stdin', '--path', 'app.ini'], creds(a)).code).toBe(0);
    expect(cli(['stdin', '--path', 'other.ini'], creds(a)).code).toBe(1);
  });

  it('rejects a broken baseline with exit 2, naming the file', () => {
    const dir = project({ 'x.txt': 'nothing\n', '.keyguard-baseline.json': '{"version": 2}' });
    const r = runCli(['tree'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.keyguard-baseline.json: not a keyguard baseline');
    expect(runCli(['baseline', '--format', 'json'], { cwd: dir }).code).toBe(2);
  });

  it('migrates a version 1 baseline: still honoured as it is, rewritten with a key on the next run', () => {
    const a = fakePair();
    const b = fakePair();
    const old = {
      version: 1,
      entries: [
        { ruleId: 'aws-access-key-id', path: 'a.ts', secretHash: sha256(b.id) },
        { ruleId: 'aws-access-key-pair', path: 'b.ini', secretHash: sha256(a.secret) },
        { ruleId: 'aws-access-key-id', path: 'gone.ts', secretHash: sha256(fakePair().id) },
      ],
    };
    const dir = project({
      'b.ini': creds(a),
      'a.ts': `const id = '${b.id}';\n`,
      '.keyguard-baseline.json': `${JSON.stringify(old, null, 2)}\n`,
    });
    // Before migrating: both findings suppressed, the old key-ID hash never shown.
    const before = runCli(['tree', '-f', 'json', '--verbose'], { cwd: dir });
    expect(before.code).toBe(0);
    const parsed = JSON.parse(before.stdout) as Report & {
      suppressed: { items: { entry: string }[] };
    };
    expect(parsed.suppressed.byKind).toEqual({ baseline: 2 });
    expect(parsed.staleBaseline).toEqual([{ ruleId: 'aws-access-key-id', path: 'gone.ts' }]);
    for (const e of old.entries.filter((x) => x.ruleId === 'aws-access-key-id'))
      expect(before.stdout + before.stderr).not.toContain(e.secretHash.slice(0, 12));
    const human = runCli(['tree', '--verbose'], { cwd: dir });
    expect(human.stdout).toContain(
      'stale baseline entry: aws-access-key-id in gone.ts (legacy entry)',
    );
    // Migrating: same findings accepted, the stale one pruned, said on stderr.
    const made = runCli(['baseline'], { cwd: dir });
    expect(made.code).toBe(0);
    expect(made.stderr).toContain('migrated .keyguard-baseline.json from version 1 to 2');
    expect(made.stderr).toContain('(0 added, 1 removed');
    const text = readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8');
    const file = JSON.parse(text) as { version: number; key: string; entries: unknown[] };
    expect(file.version).toBe(2);
    expect(file.entries).toEqual([
      {
        ruleId: 'aws-access-key-id',
        path: 'a.ts',
        secretHmac: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      { ruleId: 'aws-access-key-pair', path: 'b.ini', secretHash: sha256(a.secret) },
    ]);
    expect(text).not.toContain(sha256(b.id));
    expect(leaks(text + made.stdout + made.stderr, [a, b])).toEqual([]);
    // After: still clean, and a rerun keeps the key and the file byte for byte.
    expect(runCli(['tree'], { cwd: dir }).code).toBe(0);
    const again = runCli(['baseline'], { cwd: dir });
    expect(again.stderr).not.toContain('migrated');
    expect(again.stderr).toContain('(0 added, 0 removed');
    expect(readFileSync(join(dir, '.keyguard-baseline.json'), 'utf8')).toBe(text);
  });

  it('never quotes a value from a broken baseline in its error', () => {
    const a = fakePair();
    const broken = [
      `{"version": 1, "entries": [${a.id}, "${a.secret}"]}`,
      JSON.stringify({ version: 2, key: a.secret, entries: [] }),
      JSON.stringify({
        version: 2,
        key: 'ab'.repeat(32),
        entries: [{ ruleId: a.id, path: 'x', secretHmac: a.secret }],
      }),
      JSON.stringify({ version: 1, entries: [{ ruleId: 'r', path: 'x', secretHash: a.secret }] }),
    ];
    for (const text of broken) {
      const dir = project({ 'x.txt': 'nothing\n', '.keyguard-baseline.json': text });
      const r = runCli(['tree'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('.keyguard-baseline.json');
      expect(r.stderr.split('\n').filter((l) => l !== '').length).toBe(1);
      expect(leaks(r.stdout + r.stderr, [a])).toEqual([]);
    }
  });
});
