import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakePair, fakePair, leaks } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), content);
  }
  return dir.path;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

function creds(p: FakePair): string {
  return `[default]\naws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

interface JsonReport {
  version: number;
  findings: {
    ruleId: string;
    path: string;
    line: number;
    column: number;
    partner?: { line: number };
    redacted: string;
  }[];
  suppressed: { count: number; items: { by: string; entry: string }[] };
  skipped: {
    count: number;
    byReason: Record<string, number>;
    items: { path: string; reason: string }[];
  };
  warnings: { message: string }[];
  stats: { files: number };
}

function json(stdout: string): JsonReport {
  return JSON.parse(stdout) as JsonReport;
}

/** The paths of a JSON report's findings, sorted. */
function pathsFound(stdout: string): string[] {
  return json(stdout)
    .findings.map((f) => f.path)
    .sort();
}

beforeAll(() => {
  assertBuilt();
});

describe('keyguard tree', () => {
  it('reports a key pair as one finding with both locations, exit 1, nothing raw in any format', () => {
    const p = fakePair();
    const dir = folder({ 'config/.env': `# app\n${creds(p)}` });
    const human = runCli(['tree', dir], { cwd: dir });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/\.env:3:21 +HIGH +AWS access key pair/);
    expect(human.stdout).toContain('paired with');
    const report = runCli(['tree', dir, '--format', 'json'], { cwd: dir });
    expect(report.code).toBe(1);
    const j = json(report.stdout);
    expect(j.version).toBe(1);
    expect(j.findings).toHaveLength(1);
    expect(j.findings[0]).toMatchObject({
      ruleId: 'aws-access-key-pair',
      line: 3,
      column: 21,
      partner: { line: 4 },
    });
    expect(leaks(human.stdout + human.stderr + report.stdout + report.stderr, [p])).toEqual([]);
  });

  it('exits 0 on a clean tree and says how much it scanned', () => {
    const dir = folder({ 'a.txt': 'hello', 'b/c.py': 'print(1)\n' });
    const r = runCli(['tree', dir], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no AWS credentials found · 2 files/);
  });

  it('outside git reads every file whatever a .gitignore says; --respect-gitignore applies them all', () => {
    const [a, b, c] = [fakePair(), fakePair(), fakePair()];
    const dir = folder({
      '.gitignore': 'build/\n*.log\n',
      'build/out.env': creds(a),
      'sub/.gitignore': 'secret.txt\n!keep.log\n',
      'sub/secret.txt': creds(b),
      'sub/keep.log': creds(c),
      'app.log': creds(a),
    });
    // A stranger's folder (a tarball, a build context): its .gitignore protects nothing there.
    const all = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    expect(all.code).toBe(1);
    expect(pathsFound(all.stdout)).toEqual([
      'app.log',
      'build/out.env',
      'sub/keep.log',
      'sub/secret.txt',
    ]);
    // One line `*` cannot hide the folder any more.
    writeFileSync(join(dir, '.gitignore'), '*\n');
    expect(runCli(['tree', dir, '-f', 'json'], { cwd: dir }).code).toBe(1);
    writeFileSync(join(dir, '.gitignore'), 'build/\n*.log\n');
    const asked = json(
      runCli(['tree', dir, '-f', 'json', '--respect-gitignore'], { cwd: dir }).stdout,
    );
    expect(asked.findings.map((f) => f.path)).toEqual(['sub/keep.log']);
  });

  it('outside git reads whatever is named .git below the folder, a file or a folder', () => {
    const [a, b] = [fakePair(), fakePair()];
    const dir = folder({ 'sub/.git': creds(a), 'other/.git/creds': creds(b), 'ok.txt': 'fine\n' });
    const r = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(pathsFound(r.stdout)).toEqual(['other/.git/creds', 'sub/.git']);
  });

  it('--no-ignore reads every file of a repository, whatever git ignores, its .git folder too', () => {
    const [a, b] = [fakePair(), fakePair()];
    // A tarball that carries a bare-bones .git whose exclude file hides everything.
    const dir = folder({ 'creds.ini': creds(a), 'src/app.js': 'ok\n' });
    git(dir, 'init', '-q');
    writeFileSync(join(dir, '.git', 'info', 'exclude'), '*\n');
    writeFileSync(join(dir, '.git', 'deploy.ini'), creds(b));
    const hidden = runCli(['tree', '-f', 'json'], { cwd: dir });
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(json(hidden.stdout).findings).toEqual([]);
    const all = runCli(['tree', '--no-ignore', '-f', 'json'], { cwd: dir });
    expect(all.code, all.stderr).toBe(1);
    expect(pathsFound(all.stdout)).toEqual(['.git/deploy.ini', 'creds.ini']);
  });

  it('in a git repository scans tracked and untracked files, never ignored ones', () => {
    const [a, b, c] = [fakePair(), fakePair(), fakePair()];
    const dir = folder({
      '.gitignore': 'ignored.env\n',
      'tracked.env': creds(a),
      'ignored.env': creds(b),
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'init');
    writeFileSync(join(dir, 'untracked.env'), creds(c));
    const j = json(runCli(['tree', '-f', 'json'], { cwd: dir }).stdout);
    expect(j.findings.map((f) => f.path).sort()).toEqual(['tracked.env', 'untracked.env']);
  });

  it('reads binary files; a file over a size limit the user set makes the scan incomplete', () => {
    const p = fakePair();
    const binary = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
      Buffer.from(creds(p)),
    ]);
    const dir = folder({
      'img.png': binary,
      'big.txt': `${'x'.repeat(2000)}\n${creds(p)}`,
      'ok.txt': 'fine',
    });
    const r = runCli(['tree', dir, '-f', 'json', '--max-file-size', '1k'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/incomplete scan: 1 item could not be read.*--allow-partial/);
    const j = json(r.stdout);
    expect(j.skipped.byReason).toEqual({ 'too-large': 1 });
    expect(j.findings.map((f) => f.path)).toEqual(['img.png']);
    const human = runCli(['tree', dir, '--max-file-size', '1k', '-v'], { cwd: dir });
    expect(human.code).toBe(2);
    expect(human.stdout).toContain('1 skipped (1 too-large)');
    expect(human.stdout).toMatch(/skipped big\.txt: too-large/);
    expect(human.stdout).not.toContain('✔');
    const accepted = runCli(['tree', dir, '--max-file-size', '1k', '--allow-partial'], {
      cwd: dir,
    });
    expect(accepted.code).toBe(1);
    expect(accepted.stderr).toContain('PARTIAL scan (accepted)');
  });

  it('never follows a symlink out of the scanned root; reads its own text, in git and outside', () => {
    const p = fakePair();
    const inLink = fakePair();
    const outside = folder({ 'leak.env': creds(p) });
    for (const inGit of [false, true]) {
      const dir = folder({ 'a.txt': 'nothing' });
      symlinkSync(join(outside, 'leak.env'), join(dir, 'link.env'));
      symlinkSync(outside, join(dir, 'linkdir'));
      // What git stores for a link, and a clone gets back: its text, here a key pair.
      symlinkSync(
        `aws_access_key_id=${inLink.id} aws_secret_access_key=${inLink.secret}`,
        join(dir, 'pair'),
      );
      if (inGit) {
        git(dir, 'init', '-q');
        git(dir, 'add', '-A');
      }
      const res = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
      const j = json(res.stdout);
      expect(
        j.findings.map((f) => `${f.ruleId} ${f.path}`),
        String(inGit),
      ).toEqual(['aws-access-key-pair pair']);
      expect(j.skipped.items, String(inGit)).toEqual([]);
      expect(leaks(res.stdout + res.stderr, [p, inLink])).toEqual([]);
    }
  });

  it('handles odd file names: spaces, unicode and newlines, in git and outside', () => {
    const names = ['with space.env', 'ünïcødé-鍵.env', 'new\nline.env'];
    const pairs = names.map(() => fakePair());
    const files = Object.fromEntries(names.map((n, i) => [n, creds(pairs[i] as FakePair)]));
    const plain = folder(files);
    expect(
      json(runCli(['tree', plain, '-f', 'json']).stdout)
        .findings.map((f) => f.path)
        .sort(),
    ).toEqual([...names].sort());
    const repo = folder(files);
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    const r = runCli(['tree', '-f', 'json'], { cwd: repo });
    expect(pathsFound(r.stdout)).toEqual([...names].sort());
    expect(leaks(r.stdout, pairs)).toEqual([]);
  });

  it('reads UTF-16 files with a BOM and CRLF line endings at the right line and column', () => {
    const p = fakePair();
    const text = `\uFEFFline one\r\naws_access_key_id = ${p.id}\r\n`;
    const dir = folder({
      'utf16.ini': Buffer.from(text, 'utf16le'),
      'crlf.ini': text.slice(1).replace(/\n/g, '\n'),
    });
    const j = json(runCli(['tree', dir, '-f', 'json'], { cwd: dir }).stdout);
    expect(j.findings.map((f) => [f.path, f.line, f.column])).toEqual([
      ['crlf.ini', 2, 21],
      ['utf16.ini', 2, 21],
    ]);
  });

  it('reports the right column in a minified one-line file', () => {
    const p = fakePair();
    const prefix = `!function(){var a=${'"x",'.repeat(5000)}`;
    const dir = folder({
      'bundle.min.js': `${prefix}c={accessKeyId:"${p.id}",secretAccessKey:"${p.secret}"}}();`,
    });
    const r = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    const f = json(r.stdout).findings[0];
    expect(f?.line).toBe(1);
    expect(f?.column).toBe(prefix.length + 'c={accessKeyId:"'.length + 1);
    expect(leaks(r.stdout, [p])).toEqual([]);
  });

  it('allowlists per value: a real key on the same line as the documentation example is still reported', () => {
    const p = fakePair();
    const dir = folder({ 'mixed.txt': `ids: AKIAIOSFODNN7EXAMPLE ${p.id}\n` });
    const j = json(runCli(['tree', dir, '-f', 'json'], { cwd: dir }).stdout);
    expect(j.findings).toHaveLength(1);
    expect(j.findings[0]?.column).toBe(27);
    expect(j.suppressed.items.map((s) => s.by)).toEqual(['builtin']);
  });

  it('suppresses inline keyguard:allow lines and counts them', () => {
    const p = fakePair();
    const dir = folder({ 'a.py': `KEY_ID = "${p.id}"  # keyguard:allow test fixture\n` });
    const r = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(json(r.stdout).suppressed).toMatchObject({ count: 1, items: [{ by: 'pragma' }] });
  });

  it('fails only at or above --fail-on', () => {
    const p = fakePair();
    const dir = folder({ 'id.txt': `key ${p.id}\n` });
    expect(runCli(['tree', dir], { cwd: dir }).code).toBe(1);
    expect(runCli(['tree', dir, '--fail-on', 'high'], { cwd: dir }).code).toBe(0);
    const bad = runCli(['tree', dir, '--fail-on', 'severe'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'--fail-on'");
  });

  it('writes the report to --output and keeps stdout for nothing but a note', () => {
    const p = fakePair();
    const dir = folder({ 'k.env': creds(p) });
    const out = join(dir, 'report.json');
    const r = runCli(['tree', dir, '-f', 'json', '-o', out], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('1 finding written to');
  });

  it('errors with exit 2 and one line naming a missing path', () => {
    const r = runCli(['tree', '/definitely/not/here']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'keyguard: /definitely/not/here: no such file or directory',
    ]);
  });
});

describe('configuration', () => {
  function withConfig(config: unknown, files: Record<string, string>): string {
    return folder({ '.keyguard.json': JSON.stringify(config), ...files });
  }

  it("someone else's checkout does not configure its own scan: scanned from outside, or audited", () => {
    const p = fakePair();
    const dir = withConfig(
      { allowlist: { paths: [{ glob: '**', reason: 'vendored' }] }, allowPartial: true },
      { 'prod.env': creds(p) },
    );
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'handed over');
    const elsewhere = folder({});
    for (const args of [
      ['tree', dir],
      ['tree', '--no-ignore', dir],
    ]) {
      const r = runCli([...args, '-f', 'json'], { cwd: elsewhere });
      expect(r.code, r.stderr).toBe(1);
      // (--no-ignore also reads .git: the loose object that holds the committed file.)
      expect(json(r.stdout).findings.map((f: { path: string }) => f.path)).toContain('prod.env');
      expect(r.stderr).toMatch(/\.keyguard\.json not applied: /);
      expect(leaks(r.stdout + r.stderr, [p])).toEqual([]);
    }
    // Audited from inside it too; run there without --no-ignore, or named by --config, it applies.
    expect(runCli(['tree', '--no-ignore'], { cwd: dir }).code).toBe(1);
    expect(runCli(['tree'], { cwd: dir }).code).toBe(0);
    const named = runCli(['tree', dir, '--config', join(dir, '.keyguard.json')], {
      cwd: elsewhere,
    });
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).not.toContain('not applied');
  });

  it('suppresses allowlisted paths, hashes and regexes, counting each suppression', () => {
    const [a, b, c, d] = [fakePair(), fakePair(), fakePair(), fakePair()];
    const sha = createHash('sha256').update(b.secret).digest('hex');
    const dir = withConfig(
      {
        allowlist: {
          paths: [{ glob: 'fixtures/**', reason: 'test data' }],
          secrets: [{ sha256: sha, reason: 'rotated, kept in docs' }],
          regexes: [{ pattern: 'sandbox-account', target: 'line', reason: 'sandbox' }],
        },
      },
      {
        'fixtures/x.env': creds(a),
        'docs/y.env': creds(b),
        'z.txt': `sandbox-account ${c.id}\n`,
        'real.env': creds(d),
      },
    );
    const r = runCli(['tree', dir, '-f', 'json'], { cwd: dir });
    const j = json(r.stdout);
    expect(j.findings.map((f) => f.path)).toEqual(['real.env']);
    expect(j.suppressed.items.map((s) => s.entry).sort()).toEqual([
      'path:fixtures/**',
      'regex:sandbox-account',
      `sha256:${sha}`,
    ]);
    const verbose = runCli(['tree', dir, '-v'], { cwd: dir });
    expect(verbose.stdout).toMatch(
      /suppressed fixtures\/x\.env:2:21 .* by allowlist path:fixtures\/\*\* \(test data\)/,
    );
  });

  it('stops applying an expired entry and warns about it', () => {
    const p = fakePair();
    const dir = withConfig(
      { allowlist: { paths: [{ glob: '**', reason: 'old', expires: '2020-01-01' }] } },
      { 'k.env': creds(p) },
    );
    const r = runCli(['tree', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '.keyguard.json#/allowlist/paths/0: allowlist entry expired on 2020-01-01',
    );
  });

  it('rejects a broken config with exit 2, naming the file and every problem', () => {
    const dir = withConfig({ allowlist: { paths: [{ glob: 1 }] }, bogus: true }, {});
    const r = runCli(['tree', dir], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.keyguard.json: invalid configuration (3 errors)');
    expect(r.stderr).toContain("#: unknown property 'bogus'");
    expect(r.stderr).toContain('#/allowlist/paths/0: must have required property');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const syntax = folder({ '.keyguard.json': '{\n  "allowlist": ,\n}' });
    const s = runCli(['tree', syntax], { cwd: syntax });
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toMatch(
      /^keyguard: \S+\.keyguard\.json: invalid JSON at line 2, column 16 \(expected a value/,
    );
  });

  it('refuses an explicit --config that does not exist', () => {
    const r = runCli(['tree', '.', '--config', 'nope.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json: file not found/);
  });
});

describe('keyguard stdin', () => {
  it('scans standard input under the given path', () => {
    const p = fakePair('ASIA');
    const r = runCli(['stdin', '--path', 'pasted.txt', '-f', 'json'], { input: creds(p) });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings[0]).toMatchObject({
      ruleId: 'aws-temporary-credential-pair',
      path: 'pasted.txt',
    });
  });
});

describe('command line', () => {
  it('prints the version', () => {
    const r = runCli(['--version']);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    [
      ['tree', '--bogus'],
      "keyguard: unknown option '--bogus' for 'keyguard tree' (see keyguard tree --help)",
    ],
    [['frobnicate'], "keyguard: unknown command 'frobnicate' (see keyguard --help)"],
    [['tree', '--format'], "keyguard: option '--format' needs a value"],
    [
      ['tree', '.', '--format', 'xml'],
      "keyguard: option '--format' takes one of human, json, sarif, github, markdown, gitlab, csv, junit, template, not 'xml'",
    ],
    [
      ['tree', '.', '--max-file-size', 'huge'],
      "keyguard: option '--max-file-size' takes a size such as 10MB or 1048576, not 'huge'",
    ],
  ])('rejects %j with one line and exit 2', (args, line) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(line);
  });
});
