import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  everyFormat,
  expectNoLeak,
  FORMATS,
  leaksOf,
  planted,
  timed,
} from '../helpers/adversarial.js';
import { fakePair } from '../helpers/fake-keys.js';
import { PRE_COMMIT, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, BIN } from '../helpers/run-cli.js';

// Issue 10, "nothing raw leaves, in any format" and "names and lines cannot drive a terminal, a
// runner or a Markdown page", end to end on the built CLI: what a report shows of a line, of a
// commit message and of a hash; what a report's write failure does; what a hostile HOME does.

beforeAll(() => assertBuilt());
const tempRepo = useTempRepos();

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
const alnum = (n: number) =>
  Array.from(
    randomBytes(n),
    (b) => 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 56],
  ).join('');

/** Secrets of other kinds, generated now: what a line beside an AWS key often holds too. */
function neighbours() {
  return {
    slack: `xoxb-${String(1e11 + Math.floor(Math.random() * 8e11))}-${alnum(24)}`,
    github: `ghp_${alnum(36)}`,
    password: `Pw${alnum(14)}!`,
    entropy: alnum(32),
  };
}

describe('what a report shows of a line', () => {
  it('other secrets on the key line are masked in every format, staged and tree', () => {
    const r = tempRepo();
    const p = fakePair();
    const n = neighbours();
    r.write(
      'app.env',
      `AWS_ACCESS_KEY_ID=${p.id} SLACK=${n.slack} GH=${n.github} password=${n.password} seed=${n.entropy}\n` +
        `AWS_SECRET_ACCESS_KEY=${p.secret} db_password=${n.password}\n`,
    );
    r.git('add', '-A');
    const values = [n.slack, n.github, n.password, n.entropy];
    for (const mode of [['tree', '.'], ['staged']]) {
      for (const { format, ran } of everyFormat((a) => r.keyguard(a), mode)) {
        expect(ran.code, `${mode[0]} ${format}: ${ran.stderr}`).toBe(1);
        expectNoLeak(ran, [p], `${mode[0]} ${format}`);
        expect(leaksOf(`${ran.stdout}${ran.stderr}`, values), `${mode[0]} ${format}`).toEqual([]);
      }
    }
  });
});

describe('commit messages', () => {
  it('a key pair and other secrets in a message are redacted in every format; control characters are escaped', () => {
    const r = tempRepo();
    r.write('a.txt', 'a\n');
    r.commitAll('init');
    const p = fakePair();
    const n = neighbours();
    r.commitAll(
      `\x1b]0;owned\x07fix ${p.id}:${p.secret} token=${n.github}\r\x1b[2K all good\n\n` +
        `aws_secret_access_key=${p.secret}\npassword=${n.password}\n`,
    );
    const runs = everyFormat((a) => r.keyguard(a), ['history']);
    for (const { format, ran } of runs) {
      expect(ran.code, `${format}: ${ran.stderr}`).toBe(1);
      expectNoLeak(ran, [p], format);
      expect(leaksOf(`${ran.stdout}${ran.stderr}`, [n.github, n.password]), format).toEqual([]);
    }
    const human = runs.find((x) => x.format === 'human')?.ran.stdout ?? '';
    expect(human).toContain('\\x1b]0;owned\\x07fix');
    for (const c of ['\x07', '\x1b', '\r']) expect(human).not.toContain(c);
  });
});

describe('hashes', () => {
  it('no output, --output file or baseline holds the plain SHA-256 of a key ID', () => {
    const r = tempRepo();
    const lone = fakePair();
    const pair = fakePair();
    r.write('ids.ts', `export const id = '${lone.id}';\n`);
    r.write('creds.ini', planted().text.replace(/= .*\n/, `= ${pair.id}\n`));
    r.git('add', '-A');
    const texts: string[] = [];
    for (const format of FORMATS) {
      const out = `report-${format}.out`;
      const ran = r.keyguard(['tree', '.', '-f', format, '--output', out, '--verbose']);
      expect(ran.code, ran.stderr).toBe(1);
      texts.push(ran.stdout, ran.stderr, readFileSync(join(r.dir, out), 'utf8'));
    }
    const made = r.keyguard(['baseline']);
    expect(made.code, made.stderr).toBe(0);
    texts.push(readFileSync(join(r.dir, '.keyguard-baseline.json'), 'utf8'));
    const quiet = r.keyguard(['tree', '.', '-f', 'json', '--verbose']);
    texts.push(quiet.stdout, quiet.stderr);
    const all = texts.join('\n');
    for (const id of [lone.id, pair.id]) {
      expect(all).not.toContain(id);
      expect(all).not.toContain(sha256(id).slice(0, 16));
    }
    expect(readdirSync(r.dir).filter((f) => f.startsWith('report-'))).toHaveLength(FORMATS.length);
  });
});

describe('names in a Markdown summary', () => {
  it('backticks, pipes and HTML in a file name cannot break the table or inject markup', () => {
    const r = tempRepo();
    const name = 'a`b|c<img src=x onerror=alert(1)>[x](http://e.invalid).ini';
    r.write(name, planted().text);
    r.git('add', '-A');
    const md = r.keyguard(['tree', '.', '-f', 'markdown']);
    expect(md.code, md.stderr).toBe(1);
    expect(md.stdout).not.toContain('<img');
    expect(md.stdout).not.toContain('a`b');
    const rows = md.stdout.split('\n').filter((l) => l.includes('onerror'));
    expect(rows.length).toBeGreaterThan(0);
    // Every pipe of a row is a cell boundary or escaped: the row keeps its header's cell count.
    const header = md.stdout.split('\n').find((l) => /^\|.*\|$/.test(l) && !l.includes('onerror'));
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const row of rows.filter((l) => l.startsWith('|')))
      expect(cells(row)).toBe(cells(header ?? ''));
  });
});

describe('writing the report, and a HOME that cannot hold a cache', () => {
  it("a standard output whose reader is gone before the start: no stack, no hang, the scan's code", () => {
    const r = tempRepo();
    r.write('creds.ini', planted().text);
    r.git('add', '-A');
    // bash closes the pipe's read end at once: every write fails with EPIPE.
    const res = spawnSync(
      'bash',
      ['-c', `exec 3>&1; node "${BIN}" tree . -f json | exit 0; echo "\${PIPESTATUS[0]}"`],
      { cwd: r.dir, env: r.env, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' },
    );
    expect(res.signal).toBeNull();
    expect(res.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(res.stdout.trim()).toBe('1');
  });

  it('--output and baseline --output on /dev/full: one line, exit 2, at once', () => {
    const r = tempRepo();
    r.write('creds.ini', planted().text);
    r.git('add', '-A');
    for (const args of [
      ['tree', '.', '-f', 'sarif', '--output', '/dev/full'],
      ['baseline', '--output', '/dev/full'],
    ]) {
      const { ms, value: res } = timed(() => r.keyguard(args));
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      // The report cannot be written; the baseline's old entries cannot even be read from there.
      expect(res.stderr).toMatch(
        /^keyguard: (cannot write .*\/dev\/full.*ENOSPC|\/dev\/full: not a regular file)/,
      );
      expect(ms).toBeLessThan(15_000);
    }
    const full = openSync('/dev/full', 'w');
    try {
      const res = spawnSync(process.execPath, [BIN, 'staged', '-f', 'gitlab'], {
        cwd: r.dir,
        env: r.env,
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/^keyguard: cannot write the report to standard output/);
    } finally {
      closeSync(full);
    }
  });

  it('HOME=/proc/x or a device: the pre-commit gate (shell prefilter and staged) ends, and blocks the key', () => {
    const r = tempRepo();
    expect(r.keyguard(['install']).code).toBe(0);
    const { pair, text } = planted();
    r.write('creds.ini', text);
    r.git('add', '-A');
    for (const home of ['/proc/x', '/dev/null', '/proc/self/fd/0/x']) {
      const env = { ...r.env, HOME: home, XDG_CACHE_HOME: '' };
      for (const cmd of [[PRE_COMMIT], [process.execPath, BIN, 'staged']]) {
        const { ms, value: res } = timed(() =>
          spawnSync(cmd[0] as string, cmd.slice(1), {
            cwd: r.dir,
            env,
            encoding: 'utf8',
            timeout: 30_000,
            killSignal: 'SIGKILL',
          }),
        );
        expect(res.signal, `${home} ${cmd.at(-1)}: hung`).toBeNull();
        expect(res.status, `${home} ${cmd.at(-1)}: ${res.stderr}`).toBe(1);
        expect(ms).toBeLessThan(20_000);
        expectNoLeak({ code: 1, stdout: res.stdout, stderr: res.stderr }, [pair]);
      }
      const commit = spawnSync('git', ['commit', '-q', '-m', 'x'], {
        cwd: r.dir,
        env,
        encoding: 'utf8',
        timeout: 30_000,
        killSignal: 'SIGKILL',
      });
      expect(commit.signal).toBeNull();
      expect(commit.status, home).not.toBe(0);
    }
  });
});

describe('bounded time on the built CLI', () => {
  it('a 1 MB line of secret="<40 chars>" after a key ID: every format well within the ceiling', () => {
    const r = tempRepo();
    const p = fakePair();
    const fake = alnum(40);
    r.write('min.js', `id="${p.id}";${`secret="${fake}",`.repeat(20_000)}secret="${p.secret}"\n`);
    r.git('add', '-A');
    for (const format of ['json', 'human']) {
      const { ms, value: res } = timed(() => r.keyguard(['tree', 'min.js', '-f', format]));
      expect(res.code, res.stderr).toBe(1);
      // A second or two here; the quadratic engine took minutes. The ceiling catches that, not a
      // slow machine.
      expect(ms).toBeLessThan(60_000);
      expectNoLeak(res, [p]);
    }
  }, 150_000);
});

describe('a hostile line in a template report', () => {
  it('a broken UTF-16 pair on the key line is written by --template … | url, never a crash', () => {
    const r = tempRepo();
    const p = fakePair();
    const text = `aws_access_key_id = ${p.id} \ud800 x\naws_secret_access_key = ${p.secret}\n`;
    r.write('creds.txt', Buffer.from(`\ufeff${text}`, 'utf16le'));
    r.write('t.tpl', '{{#findings}}{{lineText | url}} {{path | url}}\n{{/findings}}');
    const ran = r.keyguard(['tree', 'creds.txt', '--format', 'template', '--template', 't.tpl']);
    expect(ran.stderr).not.toMatch(/internal error|URIError|at .*\.js:\d+/);
    expect(ran.code, ran.stderr).toBe(1);
    expectNoLeak(ran, [p], 'template url');
    expect(decodeURIComponent(ran.stdout)).toMatch(/aws_access_key_id = AKIA\*+\w{4} \ufffd x/);
  });
});
