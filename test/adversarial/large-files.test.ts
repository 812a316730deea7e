import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '../helpers/adversarial.js';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';
import { createRepo } from '../helpers/git-repo.js';
import { assertBuilt, BIN, tempDir } from '../helpers/run-cli.js';

// Issue 10, "no default size cap: large files are read in bounded chunks (overlapping so a key
// across a chunk edge is found), memory stays flat whatever the file size", on the built CLI:
// a ~300 MB file with keys cut by the reader's 960 KiB window edges, and the process's peak
// resident memory measured from inside it (a preloaded module reports getrusage at exit).

beforeAll(() => assertBuilt());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const MiB = 1024 * 1024;
const WINDOW = 960 * 1024;

interface Report {
  findings: { ruleId: string; line: number; column: number }[];
  skipped: { items: unknown[] };
  stats?: { bytes: number };
}

describe('a ~300 MB file', () => {
  it('keys across window edges are found once each at the right line; peak memory stays flat', () => {
    const t = tempDir('kg-large-');
    cleanups.push(t.cleanup);
    const file = join(t.path, 'huge.log');
    // 100-byte lines; every key line is placed so that a window edge (a multiple of 960 KiB, where
    // the first read ends, and others further in) falls inside its key ID or secret.
    const line = Buffer.from(`${'filler text of an ordinary log line '.repeat(3).slice(0, 99)}\n`);
    const block = Buffer.alloc(MiB, line);
    const blockLines = newlines(block);
    const fd = openSync(file, 'w');
    const planted: { pair: FakePair; line: number }[] = [];
    let at = 0;
    let lines = 0;
    let lastByte = 0x0a;
    const write = (b: Buffer) => {
      if (b.length === 0) return;
      writeSync(fd, b);
      at += b.length;
      lines += b === block ? blockLines : newlines(b);
      lastByte = b[b.length - 1] ?? lastByte;
    };
    // The first read ends exactly at 960 KiB: the key ID planted there is cut by it. Later windows
    // start on a line start near their predecessor's end, so the other keys sit at or near edges.
    const edges = [1, 2, 37, 60].map((k) => k * WINDOW);
    try {
      for (const [i, edge] of edges.entries()) {
        while (at + MiB <= edge - 8192) write(block);
        if (lastByte !== 0x0a) write(Buffer.from('\n'));
        const pair = fakePair();
        const text = `aws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`;
        // The edge falls in the middle of the key ID (even i) or of the secret (odd i).
        const cut = i % 2 === 0 ? 30 : 85;
        write(Buffer.alloc(edge - cut - 1 - at, 'y'));
        write(Buffer.from('\n'));
        expect(at).toBe(edge - cut);
        planted.push({ pair, line: lines + 1 });
        write(Buffer.from(text));
      }
      while (at < 300 * MiB) write(block);
    } finally {
      closeSync(fd);
    }
    const rssFile = join(t.path, 'rss');
    const hook = join(t.path, 'rss.mjs');
    writeFileSync(
      hook,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const res = spawnSync(process.execPath, ['--import', hook, BIN, 'tree', file, '-f', 'json'], {
      cwd: t.path,
      encoding: 'utf8',
      maxBuffer: 64 * MiB,
      timeout: 120_000,
      killSignal: 'SIGKILL',
      env: { PATH: process.env.PATH, NO_COLOR: '1', HOME: t.path },
    });
    expect(res.signal, 'the scan hung').toBeNull();
    expect(res.status, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.skipped.items).toEqual([]);
    const found = report.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`);
    expect(found.sort()).toEqual(planted.map((p) => `aws-access-key-pair@${p.line}:21`).sort());
    expectNoLeak(
      { code: 1, stdout: res.stdout, stderr: res.stderr },
      planted.map((p) => p.pair),
    );
    // maxRSS is in KiB. The whole file is 300 MiB; Node alone is ~45 MiB. A generous bound that
    // a reader holding the file (or a growing share of it) cannot meet.
    const peak = Number(readFileSync(rssFile, 'utf8')) * 1024;
    expect(peak).toBeGreaterThan(10 * MiB);
    expect(peak).toBeLessThan(160 * MiB);
  }, 180_000);
});

function newlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i !== -1; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}

describe('a ~100 MB staged file', () => {
  it('keyguard staged finds the key in it, and its peak memory does not grow with the file', () => {
    // The staged diff once held the whole patch (every line of a new file, as `+` lines) in
    // memory, then as a string: ~1 GB for 300 MB. Now git gives no line diff over 8 MiB and the
    // patch is read as it arrives, keeping only headers.
    const r = createRepo();
    cleanups.push(() => r.cleanup());
    const file = join(r.dir, 'big.txt');
    const line = Buffer.from(
      `${'ordinary staged text, nothing secret in it '.repeat(3).slice(0, 99)}\n`,
    );
    const block = Buffer.alloc(MiB, line);
    const pair = fakePair();
    const fd = openSync(file, 'w');
    try {
      for (let i = 0; i < 100; i++) writeSync(fd, block);
      writeSync(fd, `aws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`);
    } finally {
      closeSync(fd);
    }
    r.git('add', 'big.txt');
    const rssFile = join(r.dir, '..', 'rss');
    const hook = join(r.dir, '..', 'rss.mjs');
    writeFileSync(
      hook,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
    );
    const res = spawnSync(process.execPath, ['--import', hook, BIN, 'staged', '-f', 'json'], {
      cwd: r.dir,
      encoding: 'utf8',
      timeout: 120_000,
      killSignal: 'SIGKILL',
      env: r.env,
    });
    expect(res.signal, 'the scan hung').toBeNull();
    expect(res.status, res.stderr).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual([
      `aws-access-key-pair@${100 * newlines(block) + 1}`,
    ]);
    expectNoLeak({ code: 1, stdout: res.stdout, stderr: res.stderr }, [pair]);
    // The file is 100 MiB; the patch of it took ~3 times that. Node alone is ~50 MiB.
    const peak = Number(readFileSync(rssFile, 'utf8')) * 1024;
    expect(peak).toBeGreaterThan(10 * MiB);
    expect(peak).toBeLessThan(170 * MiB);
  }, 180_000);
});
