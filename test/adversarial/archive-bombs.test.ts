import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, planted } from '../helpers/adversarial.js';
import { deflatedZeros, gzipAround, zerosZip, zipBuffer } from '../helpers/archive-writers.js';
import { assertBuilt, BIN, tempDir } from '../helpers/run-cli.js';

// Issue 10, "zip bombs are bounded (ratio and total-size limits) and count as skips, never as a
// hang", and "nested ones to a depth limit", on the built CLI in a plain folder: each bomb ends
// well within a ceiling that inflating it would blow, is listed, and makes the scan exit 2; a key
// beside it is still found; --allow-partial accepts it and says so.

beforeAll(() => assertBuilt());
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Report {
  findings: { path: string }[];
  skipped: { items: { path: string; reason: string; detail?: string }[] };
}

function scan(files: Record<string, Buffer>, ...extra: string[]) {
  const t = tempDir('kg-bomb-');
  cleanups.push(t.cleanup);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(t.path, name), data);
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'tree', '.', '-f', 'json', ...extra], {
    cwd: t.path,
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH, HOME: t.path, NO_COLOR: '1' },
  });
  return {
    code: r.status ?? -1,
    killed: r.signal !== null,
    ms: performance.now() - started,
    stdout: r.stdout,
    stderr: r.stderr,
    report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined,
  };
}

/** `inner` wrapped in `levels` zips, each naming its content `l<n>.zip` (innermost `key.env`). */
function nested(levels: number, inner: Buffer): Buffer {
  let data = zipBuffer([{ name: 'key.env', data: inner }]);
  for (let i = levels - 1; i >= 1; i--) data = zipBuffer([{ name: `l${i + 1}.zip`, data }]);
  return data;
}

describe('archive bombs on the built CLI', () => {
  it('ratio: 8 GiB of zeros in a zip, and 4 GiB in a gzip, end at once as archive-limit skips (exit 2)', () => {
    const { pair, text } = planted();
    const res = scan({
      'bomb.zip': zerosZip('zeros.bin', 8192),
      'bomb.gz': gzipAround(deflatedZeros(4096)),
      'creds.ini': Buffer.from(text),
    });
    expect(res.killed, 'the scan hung').toBe(false);
    expect(res.ms).toBeLessThan(30_000);
    expect(res.code, res.stderr).toBe(2);
    const skipped = res.report?.skipped.items ?? [];
    expect(skipped.map((s) => s.reason)).toEqual(['archive-limit', 'archive-limit']);
    expect(skipped.map((s) => s.path.split('!')[0]).sort()).toEqual(['bomb.gz', 'bomb.zip']);
    for (const s of skipped) expect(s.detail ?? '').toMatch(/ratio/);
    expect(res.report?.findings.map((f) => f.path)).toEqual(['creds.ini']);
    expect(res.stderr).toMatch(/incomplete scan/);
    expectNoLeak(res, [pair]);
  });

  it('total size: many entries, each under the ratio check, stop at the 1 GiB total', () => {
    // 72 entries of 15 MiB of zeros (~15 KiB each compressed): the ratio is looked at only past
    // 16 MiB of one entry, so only the total bound (1 GiB decompressed per file) can stop this.
    const kernel = deflatedZeros(15);
    const entries = Array.from({ length: 72 }, (_, i) => ({
      name: `part${i}.bin`,
      stored: kernel,
      declaredSize: 15 * 1024 * 1024,
      data: Buffer.alloc(0),
    }));
    const res = scan({ 'parts.zip': zipBuffer(entries) });
    expect(res.killed, 'the scan hung').toBe(false);
    expect(res.ms).toBeLessThan(50_000);
    expect(res.code, res.stderr).toBe(2);
    const skips = res.report?.skipped.items ?? [];
    expect(skips.map((s) => s.reason)).toEqual(['archive-limit']);
    expect(skips[0]?.path).toMatch(/^parts\.zip/);
    expect(skips[0]?.detail ?? '').not.toMatch(/ratio/);
  }, 90_000);

  it('nesting: a key 8 containers deep is found; 9 deep is a skip (exit 2), never a pass', () => {
    const a = planted();
    const deep = scan({ 'deep.zip': nested(8, Buffer.from(a.text)) });
    expect(deep.code, deep.stderr).toBe(1);
    expect(deep.report?.findings.map((f) => f.path)).toEqual([
      'deep.zip!l2.zip!l3.zip!l4.zip!l5.zip!l6.zip!l7.zip!l8.zip!key.env',
    ]);
    const b = planted();
    const deeper = scan({ 'deeper.zip': nested(9, Buffer.from(b.text)) });
    expect(deeper.code, deeper.stderr).toBe(2);
    expect(deeper.report?.skipped.items.map((s) => s.reason)).toEqual(['archive-limit']);
    const accepted = scan({ 'deeper.zip': nested(9, Buffer.from(b.text)) }, '--allow-partial');
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stderr).toMatch(/PARTIAL scan \(accepted\)/);
    expectNoLeak([deep, deeper, accepted], [a.pair, b.pair]);
  });
});
