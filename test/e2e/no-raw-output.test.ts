import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAccountId } from '../../src/engine/decode-account.js';
import { FORMATS } from '../../src/report/render.js';
import { formatFlags, writeAllFieldsTemplate } from '../helpers/every-format.js';
import { fakePair } from '../helpers/fake-keys.js';
import { CLI, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// Nothing scanned leaves keyguard raw: every format, every place a scanned text is shown.

assertBuilt();
const tempRepo = useTempRepos();

// The template output with every placeholder it has, so every field it can show is searched.
const templateDir = tempDir();
afterAll(() => templateDir.cleanup());
const TEMPLATE = writeAllFieldsTemplate(templateDir.path);

/** The flags that ask for a format (the template format needs its file). */
const formatArgs = (format: (typeof FORMATS)[number]) => formatFlags(format, TEMPLATE);

describe('commit messages in history reports', () => {
  it('never show a key pair held in the subject and the body, in any format', () => {
    const r = tempRepo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const subject = fakeCredentials(31);
    const body = fakeCredentials(32);
    const sha = r.commitAll(
      `rotate ${subject.keyId} ${subject.secret} for staging\n\n` +
        `old: aws_access_key_id=${body.keyId}\naws_secret_access_key=${body.secret}\n`,
    );
    const values = [subject.keyId, subject.secret, body.keyId, body.secret];
    for (const format of FORMATS) {
      const res = r.keyguard(['history', ...formatArgs(format)]);
      expect(res.code, `${format}: ${res.stderr}`).toBe(1);
      const out = res.stdout + res.stderr;
      for (const v of values) expect(out, `${format} shows a raw value`).not.toContain(v);
      // Nor a piece long enough to narrow a value down (the redacted forms keep four characters).
      for (const v of values)
        for (let i = 0; i + 8 <= v.length; i++) expect(out).not.toContain(v.slice(i, i + 8));
    }
    const json = JSON.parse(r.keyguard(['history', '--format', 'json']).stdout) as {
      findings: { path: string; commit?: { sha: string; message?: string } }[];
    };
    const inMessage = json.findings.filter((f) => f.path === '<commit message>');
    expect(inMessage.length).toBeGreaterThan(0);
    for (const f of inMessage) {
      expect(f.commit?.sha).toBe(sha);
      // The subject, readable around its masked values; the body is shown only as finding lines.
      expect(f.commit?.message).toMatch(/^rotate AKIA\*+.{4} \*+.{4} for staging$/);
    }
  });
});

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

/**
 * Key IDs consistent with what reports print about a lone one: its prefix, its last four
 * characters and the account it encodes. Characters 5-14 carry the account in 40 of their 50
 * bits and characters 15-16 are not shown: 2^20 candidates, a second's search for a plain hash.
 * The test searches the 2^14-2^15 of them that share the real 16th character (bounded to keep it
 * fast; the real key is among them, so a plain hash anywhere would be found).
 */
function candidates(prefix: string, c15: string, last4: string, account: string): string[] {
  const out: string[] = [];
  const acct = Number(account);
  for (let top = 0; top < 2; top++) {
    for (let low7 = 0; low7 < 128; low7++) {
      for (let low2 = 0; low2 < 4; low2++) {
        // 50 bits: top bit, the 40-bit account, 7 low bits of the first 48, 2 more.
        let v = top * 2 ** 49 + acct * 2 ** 9 + low7 * 4 + low2;
        let body = '';
        for (let i = 0; i < 10; i++) {
          body = BASE32.charAt(v % 32) + body;
          v = Math.floor(v / 32);
        }
        if (body[0] === 'I' || body[0] === 'J') continue;
        for (const c14 of BASE32) out.push(`${prefix}${body}${c14}${c15}${last4}`);
      }
    }
  }
  return out;
}

/** Every run of 12 or more hex digits in the text: whatever could be (part of) a hash. */
function hexRuns(text: string): Set<string> {
  return new Set([...text.matchAll(/[0-9a-f]{12,}/gi)].map((m) => m[0].toLowerCase().slice(0, 12)));
}

describe('hashes in reports', () => {
  it('cannot be reversed by searching the key IDs a report leaves possible', () => {
    const dir = tempDir();
    try {
      const accepted = fakePair();
      const lone = fakePair();
      const gone = fakePair();
      const run = (args: string[]) => runCli(args, { cwd: dir.path });
      // A version 1 baseline (plain hashes of key IDs): honoured, and its hashes never shown.
      writeFileSync(join(dir.path, 'a.ts'), `const id = '${accepted.id}';\n`);
      writeFileSync(join(dir.path, 'b.ts'), `const other = '${lone.id}';\n`);
      writeFileSync(
        join(dir.path, '.keyguard-baseline.json'),
        JSON.stringify({
          version: 1,
          entries: [
            { ruleId: 'aws-access-key-id', path: 'a.ts', secretHash: sha256(accepted.id) },
            { ruleId: 'aws-access-key-id', path: 'gone.ts', secretHash: sha256(gone.id) },
          ],
        }),
      );
      const outputs: string[] = [];
      const all = (extra: string[]) => {
        for (const format of FORMATS) {
          const res = run(['tree', ...formatArgs(format), '--verbose', ...extra]);
          expect(res.code, res.stderr).toBe(1);
          outputs.push(res.stdout, res.stderr);
        }
      };
      all([]);
      all(['--no-baseline']);
      // Migrated (version 2, with a key): the lone key ID now shows a keyed hash.
      const made = run(['baseline']);
      outputs.push(made.stdout, made.stderr);
      writeFileSync(join(dir.path, 'c.ts'), `const third = '${gone.id}';\n`);
      writeFileSync(join(dir.path, 'a.ts'), 'rotated\n');
      all([]);
      const text = outputs.join('\n');
      for (const p of [accepted, lone, gone]) expect(text).not.toContain(p.id);
      const shown = hexRuns(text);
      expect(shown.size).toBeGreaterThan(0);
      for (const p of [accepted, lone, gone]) {
        const account = decodeAccountId(p.id) ?? '';
        const space = candidates(p.id.slice(0, 4), p.id.charAt(15), p.id.slice(-4), account);
        expect(space).toContain(p.id);
        expect(space.length).toBeGreaterThanOrEqual(2 ** 14);
        const hits = space.filter((c) => {
          const h = sha256(c);
          if (shown.has(h.slice(0, 12))) return true;
          // Nor the fingerprint the old design made from that hash, at any path it was at.
          return ['a.ts', 'b.ts', 'c.ts', 'gone.ts'].some((path) =>
            shown.has(sha256(`aws-access-key-id\n${path}\n${h}`).slice(0, 12)),
          );
        });
        expect(hits, 'an output hash gives a key ID away').toEqual([]);
      }
    } finally {
      dir.cleanup();
    }
  }, 60_000);
});

/** A pair whose secret can be part of a file's name (a `/` would make folders of it). */
function namePair() {
  const p = fakePair();
  return { id: p.id, secret: p.secret.replaceAll('/', 'Q') };
}

/** Every 8-character piece of `values` that `text` shows: none may be. */
function pieces(text: string, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const v of values)
    for (let i = 0; i + 8 <= v.length; i++)
      if (text.includes(v.slice(i, i + 8))) found.push(`${v.slice(0, 4)}… piece at ${i}`);
  return found;
}

interface NameReport {
  findings: {
    ruleId: string;
    path: string;
    line: number;
    where?: string;
    pathBytes?: string;
    partner?: { path: string; where?: string };
  }[];
  skipped: { items: { path: string }[] };
  coverage?: Record<string, unknown>;
}

describe('names that hold a key (a file name, a pushed ref)', () => {
  it('a pair in a file name fails staged, tree and history, and no format shows it; ordinary paths are shown as they are', () => {
    const r = tempRepo();
    const named = namePair();
    const inside = fakePair();
    const gone = namePair();
    const name = `aws_access_key_id=${named.id},aws_secret_access_key=${named.secret}.txt`;
    // The named file holds another finding, so its path is printed with that one too.
    r.write(name, `aws_access_key_id = ${inside.id}\n`);
    r.write('config/prod.ini', `[default]\naws_access_key_id = ${fakePair().id}\n`);
    // Tracked, then gone from the work tree: a skip names it too (`tree --verbose`).
    const goneName = `old/${gone.id}-${gone.secret}`;
    r.write(goneName, 'x\n');
    r.commitAll('init');
    unlinkSync(join(r.dir, goneName));
    const values = [named.id, named.secret, inside.id, gone.id, gone.secret];
    // staged: the named file is added in this commit (the history below has it too).
    r.git('mv', name, `b-${name}`);
    for (const mode of [['staged'], ['tree', '--verbose'], ['history', '--verbose']]) {
      for (const format of FORMATS) {
        const res = r.keyguard([...mode, ...formatArgs(format)]);
        expect(res.code, `${mode[0]} ${format}: ${res.stderr}`).toBe(1);
        const out = res.stdout + res.stderr;
        expect(pieces(out, values), `${mode[0]} ${format} shows a raw value`).toEqual([]);
      }
      if (mode[0] === 'staged') r.git('commit', '-q', '--no-verify', '-m', 'rename');
    }
    const json = JSON.parse(r.keyguard(['tree', '-f', 'json']).stdout) as NameReport;
    const atName = json.findings.filter((f) => f.where === 'name');
    expect(atName.map((f) => [f.ruleId, f.line])).toEqual([
      ['aws-access-key-pair', 0],
      ['aws-access-key-pair', 0],
    ]);
    const shownName = `b-aws_access_key_id=AKIA${'*'.repeat(12)}${named.id.slice(-4)},aws_secret_access_key=${'*'.repeat(36)}${named.secret.slice(-4)}.txt`;
    expect(atName.map((f) => f.path)).toContain(shownName);
    // The file's other finding names it masked the same way; an ordinary path stays as it is.
    expect(json.findings.filter((f) => f.where === undefined).map((f) => f.path)).toEqual([
      shownName,
      'config/prod.ini',
    ]);
    expect(json.skipped.items.map((s) => s.path)).toEqual([
      `old/AKIA${'*'.repeat(12)}${gone.id.slice(-4)}-${'*'.repeat(36)}${gone.secret.slice(-4)}`,
    ]);
    // SARIF: a finding in a name points at the file with no region; others keep theirs.
    const sarif = JSON.parse(r.keyguard(['tree', '-f', 'sarif']).stdout) as {
      runs: { results: { locations: { physicalLocation: Record<string, unknown> }[] }[] }[];
    };
    const places = (sarif.runs[0]?.results ?? []).map((x) => x.locations[0]?.physicalLocation);
    expect(places).toContainEqual({
      artifactLocation: { uri: 'config/prod.ini', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 21, endLine: 2, endColumn: 41 },
    });
    expect(places.filter((p) => p?.region === undefined)).toHaveLength(atName.length);
  }, 120_000);

  it('a branch named with a key pair is blocked at pre-push and pre-receive, shown masked in every line', () => {
    const r = tempRepo();
    const remote = join(r.dir, '..', 'origin.git');
    r.git('init', '-q', '--bare', remote);
    r.git('remote', 'add', 'origin', remote);
    r.write('README.md', 'hello\n');
    const sha = r.commitAll('init');
    expect(r.tryGit('push', '-q', 'origin', 'main').code).toBe(0);
    const named = namePair();
    const branch = `aws_access_key_id=${named.id}-aws_secret_access_key=${named.secret}`;
    r.git('branch', branch);
    const values = [named.id, named.secret];
    // A new branch at a commit the remote has: nothing new to read but the ref's own name.
    const input = `refs/heads/${branch} ${sha} refs/heads/${branch} ${'0'.repeat(40)}\n`;
    for (const format of FORMATS) {
      const res = spawnSync('node', [CLI, 'pre-push', 'origin', remote, ...formatArgs(format)], {
        cwd: r.dir,
        env: r.env,
        input,
        encoding: 'utf8',
      });
      expect(res.status, `${format}: ${res.stderr}`).toBe(1);
      expect(pieces(res.stdout + res.stderr, values), `pre-push ${format}`).toEqual([]);
    }
    const json = spawnSync('node', [CLI, 'pre-push', 'origin', remote, '-f', 'json'], {
      cwd: r.dir,
      env: r.env,
      input,
      encoding: 'utf8',
    });
    const report = JSON.parse(json.stdout) as NameReport;
    expect(report.findings.map((f) => [f.ruleId, f.where])).toEqual([
      ['aws-access-key-pair', 'name'],
    ]);
    expect(String(report.coverage?.range)).toContain(`refs/heads/aws_access_key_id=AKIA*`);
    // A line the gate cannot read is quoted in its error: masked before it is cut to length.
    const bad = spawnSync('node', [CLI, 'pre-push', 'origin', remote], {
      cwd: r.dir,
      env: r.env,
      input: `refs/heads/${branch} ${sha}\n`,
      encoding: 'utf8',
    });
    expect(bad.status, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('refs/heads/aws_access_key_id=AKIA*');
    expect(pieces(bad.stdout + bad.stderr, values)).toEqual([]);
    // The server side: a real push into a repository whose pre-receive hook is keyguard.
    const installed = r.keyguard(['install', '--hook', 'pre-receive'], remote);
    expect(installed.code, installed.stderr).toBe(0);
    const pushed = r.tryGit('push', 'origin', branch);
    expect(pushed.code).not.toBe(0);
    // git prints the refs it was refused itself: only the hook's `remote:` lines are keyguard's.
    const said = pushed.stderr.split('\n').filter((l) => l.startsWith('remote:'));
    expect(said.join('\n')).toMatch(/push rejected/);
    expect(pieces(said.join('\n'), values)).toEqual([]);
  }, 120_000);
});
