import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packByteFilter } from '../../src/app/create-scan-setup.js';
import { collectingSink } from '../../src/app/run-scan.js';
import { EMPTY_ENGINE_ALLOWLIST, type ResolvedConfig } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanStats, Skipped } from '../../src/model/outcome.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';
import { ContentReader } from '../../src/sources/content-reader.js';
import { FORMATS, leaksOf } from '../helpers/adversarial.js';
import type { FakePair } from '../helpers/fake-keys.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// Issue 10, "how to prove it": a planted key pair wrapped in random bytes, random encodings (BOMs
// true, lying or absent), random line endings, at random offsets across the reader's window edges,
// under random file names. Through the real reader and engine (many runs, small windows), and
// through the built CLI (fewer runs, real files, every format): the key is always found (the issue
// allows exit 2 too; a regular file gives no reason to skip, so 1 is required), never a pass, and
// nothing shown holds the secret or the full key ID.

const pack = compilePacks([{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }]);
const config = {
  config: {},
  rulePacks: [],
  engineAllow: EMPTY_ENGINE_ALLOWLIST,
  pathAllow: [],
  warnings: [],
} satisfies ResolvedConfig;
const filter = packByteFilter(pack);

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';
type Bom = 'none' | 'true' | 'fffe' | 'feff' | 'utf8';

interface Case {
  readonly seed: number;
  readonly encoding: Encoding;
  readonly bom: Bom;
  readonly eol: '\n' | '\r\n' | '\r';
  readonly before: Uint8Array;
  readonly after: Uint8Array;
  /** Filler lines before the key, in units of 1 KiB (puts the key anywhere across edges). */
  readonly fillKiB: number;
  readonly fillShift: number;
}

function pairOf(seed: number): FakePair {
  const random = createRandom(seed);
  return { id: fakeKeyId(random, 'AKIA'), secret: fakeSecret(random) };
}

function encode(text: string, encoding: Encoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text);
  const le = Buffer.from(text, 'utf16le');
  return encoding === 'utf-16le' ? le : le.swap16();
}

const BOMS: Record<Exclude<Bom, 'true' | 'none'>, number[]> = {
  fffe: [0xff, 0xfe],
  feff: [0xfe, 0xff],
  utf8: [0xef, 0xbb, 0xbf],
};

/** The file's bytes: BOM, filler, random bytes, a line break, the profile, random bytes. */
function build(c: Case): { data: Buffer; pair: FakePair } {
  const pair = pairOf(c.seed);
  const bom =
    c.bom === 'none'
      ? []
      : c.bom === 'true'
        ? c.encoding === 'utf-8'
          ? BOMS.utf8
          : c.encoding === 'utf-16le'
            ? BOMS.fffe
            : BOMS.feff
        : BOMS[c.bom];
  const line = `log line with ordinary words and numbers 12345${c.eol}`;
  const filler = line.repeat(Math.ceil((c.fillKiB * 1024 + c.fillShift) / line.length));
  const profile = `${c.eol}[default]${c.eol}aws_access_key_id = ${pair.id}${c.eol}aws_secret_access_key = ${pair.secret}${c.eol}`;
  const data = Buffer.concat([
    Buffer.from(bom),
    encode(filler.slice(0, c.fillKiB * 1024 + c.fillShift), c.encoding),
    Buffer.from(c.before),
    encode(profile, c.encoding),
    Buffer.from(c.after),
  ]);
  return { data, pair };
}

const cases = (maxFillKiB: number) =>
  fc.record<Case>({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    encoding: fc.constantFrom<Encoding>('utf-8', 'utf-16le', 'utf-16be'),
    bom: fc.constantFrom<Bom>('none', 'true', 'fffe', 'feff', 'utf8'),
    eol: fc.constantFrom<Case['eol']>('\n', '\r\n', '\r'),
    before: fc.uint8Array({ maxLength: 64 }),
    after: fc.uint8Array({ maxLength: 64 }),
    fillKiB: fc.integer({ min: 0, max: maxFillKiB }),
    fillShift: fc.integer({ min: 0, max: 1023 }),
  });

/** The finding that stands for the planted key: a pair, or its key ID (shown by its last four). */
function foundKey(found: readonly Finding[], pair: FakePair): Finding | undefined {
  return found.find(
    (f) =>
      (f.ruleId === 'aws-access-key-pair' || f.ruleId === 'aws-access-key-id') &&
      f.redacted.endsWith(pair.id.slice(-4)) &&
      f.redacted.startsWith('AKIA'),
  );
}

describe('the reader and the engine (small windows, many runs)', () => {
  it('always find the planted key, and nothing found holds a raw value', () => {
    // Windows of 64 KiB overlapping by 16 KiB: the filler puts the profile across their edges.
    const small = { windowBytes: 64 * 1024, overlapBytes: 16 * 1024 };
    fc.assert(
      fc.property(cases(200), (c) => {
        const { data, pair } = build(c);
        const into = {
          found: [] as Finding[],
          skipped: [] as Skipped[],
          stats: { files: 0, bytes: 0, chunks: 0, durationMs: 0 } as ScanStats,
        };
        const sink = collectingSink({ pack, config }, into);
        new ContentReader({ source: 'tree', filter, ...small }).readBytes(
          data,
          { path: 'f' },
          sink,
        );
        expect(into.skipped).toEqual([]);
        expect(
          foundKey(into.found, pair),
          JSON.stringify({ ...c, before: [...c.before], after: [...c.after] }),
        ).toBeDefined();
        expect(leaksOf(JSON.stringify(into.found), [pair.id, pair.secret])).toEqual([]);
      }),
      { seed: 20261207, numRuns: 300 },
    );
  }, 120_000);
});

/** A file name from random bytes: never `/` or NUL, sometimes control characters or invalid UTF-8. */
const names = fc
  .uint8Array({ minLength: 1, maxLength: 24 })
  .map((b) => Buffer.from([...b].map((x) => (x === 0 || x === 0x2f ? 0x5f : x))))
  .filter((b) => !(b.length <= 2 && b.every((x) => x === 0x2e)));

describe('the built CLI (real files, fewer runs)', () => {
  beforeAll(() => assertBuilt());
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('exits 1 (or 2), never 0, and no format shows the secret or the full key ID', () => {
    let run = 0;
    fc.assert(
      fc.property(cases(6 * 1024), names, fc.constantFrom(...FORMATS), (c, name, format) => {
        const t = tempDir('kg-prop-');
        cleanups.push(t.cleanup);
        // Every few runs a filler past the 4 MiB window; otherwise small files (time).
        const big = run++ % 4 === 0;
        const { data, pair } = build(big ? c : { ...c, fillKiB: c.fillKiB % 64 });
        const dir = join(t.path, 'scan');
        mkdirSync(dir);
        writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), data);
        const ran = [
          runCli(['tree', '.', '-f', 'json'], { cwd: dir }),
          runCli(['tree', '.', '-f', format], { cwd: dir }),
        ];
        // A regular file is never a reason to skip: found (1), never a pass, never "could not read".
        for (const r of ran) {
          expect(r.code, r.stderr).toBe(1);
          expect(leaksOf(`${r.stdout}\n${r.stderr}`, [pair.id, pair.secret])).toEqual([]);
        }
        const report = JSON.parse(ran[0]?.stdout ?? '') as { findings: Finding[] };
        expect(foundKey(report.findings, pair)).toBeDefined();
      }),
      { seed: 7102026, numRuns: 24 },
    );
  }, 240_000);
});
