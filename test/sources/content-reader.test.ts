import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packByteFilter } from '../../src/app/create-scan-setup.js';
import { collectingSink } from '../../src/app/run-scan.js';
import { findKeywords } from '../../src/engine/prefilter.js';
import { applyFilters } from '../../src/filters/apply-filters.js';
import type { Chunk } from '../../src/model/chunk.js';
import { EMPTY_ENGINE_ALLOWLIST, type ResolvedConfig } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanStats, Skipped } from '../../src/model/outcome.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { createByteFilter } from '../../src/sources/byte-filter.js';
import { MAX_WORDS } from '../../src/sources/byte-scan.js';
import { ContentReader, type ReaderOptions } from '../../src/sources/content-reader.js';
import { zipBuffer } from '../helpers/archive-writers.js';
import { fakePair } from '../helpers/fake-keys.js';

const pack = compilePacks([{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }]);
const config = {
  config: {},
  rulePacks: [],
  engineAllow: EMPTY_ENGINE_ALLOWLIST,
  pathAllow: [],
  warnings: [],
} satisfies ResolvedConfig;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function collector() {
  const into = {
    found: [] as Finding[],
    skipped: [] as Skipped[],
    stats: { files: 0, bytes: 0, chunks: 0, durationMs: 0 } as ScanStats,
  };
  return { into, sink: collectingSink({ pack, config }, into) };
}

/**
 * The reader's three ways of looking at bytes: the SIMD scanner with ASCII and UTF-16 keywords, the
 * scanner with ASCII keywords only (too many for both: UTF-16 searched where NULs are), and no
 * scanner (too many keywords for it). Every test runs in each: the answers must not differ.
 */
const dummy = (n: number) => ({ keywords: Array.from({ length: n }, (_, i) => `zz${i}q`) });
const builtinRules = pack.rules.map((r) => ({
  keywords: r.keywords,
  ...(r.spec.minValueRun === undefined ? {} : { minRun: r.spec.minValueRun }),
}));
const FILTERS = {
  scanner: packByteFilter(pack),
  'scanner, ASCII only': createByteFilter([...builtinRules, dummy(MAX_WORDS / 2)]),
  'no scanner': createByteFilter([...builtinRules, dummy(MAX_WORDS)]),
};
let filter = FILTERS.scanner;

function reader(extra: Partial<ReaderOptions> = {}) {
  return new ContentReader({ source: 'tree', filter, ...extra });
}

/** Findings for `data` read as bytes in memory. */
function scanBytes(data: Buffer, extra: Partial<ReaderOptions> = {}) {
  const { into, sink } = collector();
  reader(extra).readBytes(data, { path: 'f' }, sink);
  return into;
}

function where(found: readonly Finding[]): string[] {
  return found.map((f) => `${f.ruleId}@${f.location.line}:${f.location.column}`).sort();
}

function creds(p: { id: string; secret: string }): string {
  return `aws_access_key_id = ${p.id}\naws_secret_access_key = ${p.secret}\n`;
}

for (const [name, chosen] of Object.entries(FILTERS)) {
  describe(`the reader (${name})`, () => {
    beforeAll(() => {
      filter = chosen;
    });
    describe('the reader: every byte, every encoding', () => {
      it('reads a key after NUL bytes and around invalid UTF-8', () => {
        const p = fakePair();
        const data = Buffer.concat([
          Buffer.from([0, 0, 0xff, 0xc3, 0x28, 0]),
          Buffer.from(` ${p.id} `),
          Buffer.from([0, 0xe2, 0x82]),
        ]);
        expect(where(scanBytes(data).found)).toEqual(['aws-access-key-id@1:8']);
      });

      const text = (p: { id: string; secret: string }) => `# config\n${creds(p)}`;
      const bigEndian = (s: string) => Buffer.from(s, 'utf16le').swap16();
      const cases: [string, (s: string) => Buffer][] = [
        [
          'UTF-16LE with a BOM',
          (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]),
        ],
        ['UTF-16BE with a BOM', (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian(s)])],
        ['UTF-16LE without a BOM', (s) => Buffer.from(s, 'utf16le')],
        ['UTF-16BE without a BOM', (s) => bigEndian(s)],
        ['UTF-16BE of odd length', (s) => Buffer.concat([bigEndian(s), Buffer.from([0x41])])],
        [
          'UTF-16LE after one stray byte',
          (s) => Buffer.concat([Buffer.from([7]), Buffer.from(s, 'utf16le')]),
        ],
        [
          'a UTF-16 BOM before ASCII',
          (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s)]),
        ],
        ['a UTF-8 BOM', (s) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)])],
      ];
      for (const [name, encode] of cases) {
        it(`finds the pair, at the right line, in ${name}`, () => {
          const p = fakePair();
          const { found } = scanBytes(encode(text(p)));
          // Odd-length content is read with and without its last byte: the filters report the
          // same finding once, and a pair rather than its key ID alone.
          expect(where(applyFilters(found, { pathAllow: [] }).kept)).toEqual([
            'aws-access-key-pair@2:21',
          ]);
        });
      }

      // The byte filter must let these lines in by their `aws` word: none says "secret" or `_key`.
      const labelled = ['awsKey: "%s"', 'AwsAccessKey = "%s"', 'aws-key: %s', 'AWS Access Key: %s'];
      for (const shape of labelled) {
        for (const [name, encode] of [
          ...cases.slice(0, 4),
          ['UTF-8', (s: string) => Buffer.from(s)],
        ] as const) {
          it(`finds a secret under ${shape.split(/[:=]/)[0]} alone, in ${name}`, () => {
            const line = shape.replace('%s', fakePair().secret);
            const { found } = scanBytes(encode(`# settings\n${line}\nregion: us-east-1\n`));
            const column = line.search(/[A-Za-z0-9+/]{40}/) + 1;
            expect(where(found)).toEqual([`aws-secret-access-key@2:${column}`]);
          });
        }
      }

      it('never throws on any short prefix of a BOM (nothing to decode is nothing found)', () => {
        for (const bytes of [[0xfe], [0xff, 0xfe], [0xfe, 0xff, 0x00], [0xef, 0xbb], [0]]) {
          expect(scanBytes(Buffer.from(bytes)).found).toEqual([]);
        }
      });
    });

    describe('the reader: windows', () => {
      // Small windows so that keys land on every edge; the overlap still exceeds any pairing reach.
      const small = { windowBytes: 256 * 1024, overlapBytes: 64 * 1024 };

      function fileWithPairs(count: number, seed: number): { data: Buffer; expected: string[] } {
        let random = seed;
        const next = () => {
          random = (random * 1103515245 + 12345) % 2147483648;
          return random;
        };
        const lines: string[] = [];
        const expected: string[] = [];
        for (let i = 0; i < count; i++) {
          const filler = next() % 4000;
          for (let k = 0; k < filler; k++)
            lines.push(`line ${k} of filler text ${'.'.repeat(next() % 90)}`);
          const p = fakePair();
          expected.push(`aws-access-key-pair@${lines.length + 1}:21`);
          lines.push(...creds(p).trimEnd().split('\n'));
        }
        return { data: Buffer.from(`${lines.join('\n')}\n`), expected: expected.sort() };
      }

      it('finds each pair once, at its line, wherever the window edges fall', () => {
        for (const seed of [1, 2, 3]) {
          const { data, expected } = fileWithPairs(40, seed);
          expect(data.length).toBeGreaterThan(small.windowBytes * 4);
          expect(where(scanBytes(data, small).found)).toEqual(expected);
          // The same from a file on disk and from pieces of awkward sizes.
          const dir = mkdtempSync(join(tmpdir(), 'kg-reader-'));
          dirs.push(dir);
          writeFileSync(join(dir, 'f'), data);
          const disk = collector();
          reader(small).readFile({ abs: join(dir, 'f'), path: 'f' }, disk.sink);
          expect(where(disk.into.found)).toEqual(expected);
          expect(disk.into.stats.bytes).toBe(data.length);
        }
      });

      it('reads pieces of any size the same way', async () => {
        const { data, expected } = fileWithPairs(20, 9);
        async function* pieces() {
          for (let at = 0, n = 1; at < data.length; at += n, n = (n * 7 + 3) % 100_003) {
            yield data.subarray(at, at + n);
          }
        }
        const { into, sink } = collector();
        await reader(small).readPieces(pieces(), { path: 'f' }, sink);
        expect(where(into.found)).toEqual(expected);
        expect(into.stats.bytes).toBe(data.length);
      });

      it('keeps columns right on a long line cut between windows', () => {
        const p = fakePair();
        const at = small.windowBytes - 100;
        const data = Buffer.from(`${'x '.repeat(at / 2)}key ${p.id} tail\n`);
        const { found } = scanBytes(data, small);
        expect(where(found)).toEqual([`aws-access-key-id@1:${at + 5}`]);
      });

      // Long ASCII windows reach the engine in parts of ~120 KiB, each with context around it.
      it('pairs across an INI section wherever a part edge falls, once, at its line', () => {
        let random = 7;
        const next = () => {
          random = (random * 1103515245 + 12345) % 2147483648;
          return random;
        };
        const lines: string[] = [];
        const expected: string[] = [];
        for (let section = 0; section < 70; section++) {
          const p = fakePair();
          lines.push(`[profile p${section}]`);
          expected.push(`aws-access-key-pair@${lines.length + 1}:21`);
          lines.push(`aws_access_key_id = ${p.id}`);
          // 10,500 to 14,000 characters between the key ID and its labelled secret: the widest reach
          // the engine pairs over (an INI section), so a part must see all of it.
          const filler = 95 + (next() % 15);
          for (let k = 0; k < filler; k++) lines.push(`s${k} = ${'v'.repeat(100 + (next() % 20))}`);
          lines.push(`aws_secret_access_key = ${p.secret}`, '');
        }
        const data = Buffer.from(`${lines.join('\n')}\n`);
        expect(data.length).toBeGreaterThan(6 * 120 * 1024);
        expect(where(scanBytes(data).found)).toEqual(expected.sort());
        expect(where(scanBytes(data, small).found)).toEqual(expected.sort());
      });

      it('keeps lines and columns right in every part of a long ASCII window', () => {
        const p = fakePair();
        const filler = 'filler text, nothing to see here\n'.repeat(20_000);
        const long = `${'x '.repeat(150_000)}key ${p.id} tail\n`;
        const data = Buffer.from(`${filler}${long}${filler}id: ${p.id}\n`);
        expect(where(scanBytes(data).found)).toEqual([
          'aws-access-key-id@20001:300005',
          'aws-access-key-id@40002:5',
        ]);
      });

      it('finds a UTF-16 pair past the first window', () => {
        const p = fakePair();
        const filler = 'filler line\n'.repeat(30_000);
        const data = Buffer.from(`${filler}${creds(p)}`, 'utf16le');
        expect(where(scanBytes(data, small).found)).toEqual(['aws-access-key-pair@30001:21']);
      });

      it('keeps memory flat over a large stream', async () => {
        const chunk = Buffer.alloc(1024 * 1024, 'abc def\n');
        async function* pieces() {
          for (let i = 0; i < 300; i++) yield chunk;
        }
        const before = process.memoryUsage().rss;
        const { into, sink } = collector();
        await reader().readPieces(pieces(), { path: 'big' }, sink);
        expect(into.stats.bytes).toBe(300 * 1024 * 1024);
        expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
      });
    });

    describe('the reader: a listed size is only a hint', () => {
      it('reads every byte whether the size the listing gave is right, short, long or zero', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(dir);
        // The second file starts beside the first and outgrows the 512 KiB buffer: it is read on
        // after the first is scanned, with its size hint carried along. Each ends with a pair.
        const files = [200 * 1024, 400 * 1024, 10].map((filler, i) => {
          const abs = join(dir, `f${i}.ini`);
          const text = `${'#'.repeat(filler)}\n${creds(fakePair())}`;
          writeFileSync(abs, text);
          return { abs, path: `f${i}.ini`, bytes: Buffer.byteLength(text) };
        });
        const read = async (size: (bytes: number) => number | undefined) => {
          const { into, sink } = collector();
          const targets = files.map((f) => {
            const hint = size(f.bytes);
            return hint === undefined ? { abs: f.abs, path: f.path } : { ...f, size: hint };
          });
          await reader({ windowBytes: 512 * 1024 }).readFiles(targets, sink);
          return { found: where(into.found), bytes: into.stats.bytes };
        };
        const plain = await read(() => undefined);
        expect(plain.found).toHaveLength(files.length);
        expect(plain.bytes).toBe(files.reduce((n, f) => n + f.bytes, 0));
        for (const size of [
          (b: number) => b,
          (b: number) => b - 40,
          (b: number) => b + 40,
          () => 0,
        ])
          expect(await read(size)).toEqual(plain);
      });
    });

    describe('the reader: keyword starts handed to the engine', () => {
      it('are where the engine would find its keywords, in small files, windows and parts', async () => {
        const words = [...new Set(pack.rules.flatMap((r) => r.keywords))];
        const chunks: Chunk[] = [];
        const sink = { chunk: (c: Chunk) => chunks.push(c), skip: () => {}, read: () => {} };
        let seed = 7;
        const next = () => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return seed;
        };
        // Keywords among plain code, sparse enough that every part keeps its starts (a part with
        // more than the scanner keeps is searched by the engine, as byte-scan.test.ts shows).
        const words0 = ['secret', 'AKIA', 'aws_key', 'AWS-A', '_KEY', 'crete', 'ASIAX'];
        const plain = ['const value = compute(item);', ' a', '\n', 'return x;', '  '];
        const text = (n: number) => {
          let t = '';
          while (t.length < n) {
            const r = next();
            t += r % 12 === 0 ? words0[(r >> 4) % words0.length] : plain[(r >> 4) % plain.length];
          }
          return t;
        };
        const dir = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(dir);
        const sizes = [5, 63, 4000, 130 * 1024, 400 * 1024];
        const files = sizes.map((n, i) => {
          const abs = join(dir, `f${i}.txt`);
          // One with a UTF-8 byte-order mark, whose starts move by its three bytes.
          writeFileSync(abs, i === 2 ? `\ufeff${text(n)}` : text(n));
          return { abs, path: `f${i}.txt` };
        });
        await reader({ windowBytes: 256 * 1024 }).readFiles(files, sink);
        for (const n of sizes) reader().readBytes(Buffer.from(text(n)), { path: 'b' }, sink);
        expect(chunks.length).toBeGreaterThan(2 * sizes.length);
        for (const c of chunks) {
          if (c.keywordAt === undefined) continue;
          const read = findKeywords(c.text, pack.rules, c.keywordAt);
          const searched = findKeywords(c.text, pack.rules);
          for (const w of words)
            expect(read.offsetsOf(w), `${c.path} ${w}`).toEqual(searched.offsetsOf(w));
        }
        // With the scanner, every ASCII chunk comes with them; without it, none does.
        const given = chunks.filter((c) => c.keywordAt !== undefined).length;
        expect(given).toBe(
          filter.words !== undefined && filter.words.length <= MAX_WORDS ? chunks.length : 0,
        );
      });
    });

    describe('the reader: names listed under a folder', () => {
      it('never reads through a linked folder or out of the listed folder', async () => {
        const top = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(top);
        const root = join(top, 'root');
        const outside = join(top, 'outside');
        for (const d of [join(root, 'real', 'deep'), outside]) mkdirSync(d, { recursive: true });
        const pairs = [fakePair(), fakePair(), fakePair()];
        const write = (at: string, i: number) =>
          writeFileSync(at, creds(pairs[i] as { id: string; secret: string }));
        write(join(root, 'real', 'a.ini'), 0);
        write(join(root, 'real', 'deep', 'b.ini'), 1);
        write(join(outside, 'c.ini'), 2);
        write(join(top, 'd.ini'), 2);
        symlinkSync(outside, join(root, 'link'));
        symlinkSync(outside, join(root, 'real', 'deeplink'));
        const names = [
          'real/a.ini',
          'link/c.ini',
          'real/deep/b.ini',
          'real/deeplink/c.ini',
          '../d.ini',
        ];
        const read = async (listed: boolean) => {
          const { into, sink } = collector();
          const targets = names.map((path) => ({
            abs: `${root}/${path}`,
            path,
            ...(listed ? { root } : {}),
          }));
          await reader().readFiles(targets, sink);
          return into;
        };
        const listed = await read(true);
        expect(listed.found.map((f) => f.location.path).sort()).toEqual([
          'real/a.ini',
          'real/deep/b.ini',
        ]);
        expect(listed.skipped.map((k) => `${k.path} ${k.reason}`).sort()).toEqual([
          '../d.ini unreadable',
          'link/c.ini symlink',
          'real/deeplink/c.ini symlink',
        ]);
        // Paths named by the user (no listing folder) are read as named.
        expect((await read(false)).found).toHaveLength(5);
      });

      it('reports nothing of a large file or an archive behind a linked folder', async () => {
        const top = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(top);
        const root = join(top, 'root');
        const outside = join(top, 'outside');
        for (const d of [root, outside]) mkdirSync(d);
        const pair = fakePair();
        // Larger than the reader's window, and a zip holding a pair (which has no keyword itself).
        writeFileSync(join(outside, 'big.ini'), `${'#'.repeat(2 << 20)}\n${creds(pair)}`);
        writeFileSync(
          join(outside, 'pack.zip'),
          zipBuffer([{ name: 'creds.ini', data: Buffer.from(creds(fakePair())) }]),
        );
        symlinkSync(outside, join(root, 'link'));
        const { into, sink } = collector();
        await reader().readFiles(
          ['link/big.ini', 'link/pack.zip'].map((path) => ({ abs: `${root}/${path}`, path, root })),
          sink,
        );
        expect(into.found).toEqual([]);
        expect(into.skipped.map((k) => `${k.path} ${k.reason}`)).toEqual([
          'link/big.ini symlink',
          'link/pack.zip symlink',
        ]);
        // The same files named by the user are read, the zip opened.
        const named = collector();
        await reader().readFiles(
          ['link/big.ini', 'link/pack.zip'].map((path) => ({ abs: `${root}/${path}`, path })),
          named.sink,
        );
        expect(named.into.found).toHaveLength(2);
      });

      it("reads a link's own text, never what it points to, and nothing behind a linked folder", async () => {
        const top = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(top);
        const root = join(top, 'root');
        const outside = join(top, 'outside');
        for (const d of [join(root, 'real'), outside]) mkdirSync(d, { recursive: true });
        const [inText, inTarget, behind] = [fakePair(), fakePair(), fakePair()];
        const pairText = (p: { id: string; secret: string }) =>
          `aws_access_key_id=${p.id} aws_secret_access_key=${p.secret}`;
        writeFileSync(join(outside, 'c.ini'), creds(inTarget));
        symlinkSync(pairText(inText), join(root, 'real', 'pair'));
        symlinkSync(join(outside, 'c.ini'), join(root, 'real', 'out'));
        // Followed, these would never end or would wait: read as links, they are a few bytes.
        symlinkSync('/dev/zero', join(root, 'real', 'zero'));
        symlinkSync(join(top, 'no-such-fifo'), join(root, 'real', 'dangling'));
        symlinkSync(pairText(behind), join(outside, 'pair'));
        symlinkSync(outside, join(root, 'link'));
        const names = ['real/pair', 'real/out', 'real/zero', 'real/dangling', 'link/pair'];
        // As git's index lists links (kind `symlink`), and as a listing that did not say.
        for (const kind of ['symlink', undefined] as const) {
          const { into, sink } = collector();
          await reader().readFiles(
            names.map((path) => ({
              abs: `${root}/${path}`,
              path,
              root,
              ...(kind === undefined ? {} : { kind }),
            })),
            sink,
          );
          expect(
            into.found.map((f) => `${f.ruleId} ${f.location.path}`),
            String(kind),
          ).toEqual(['aws-access-key-pair real/pair']);
          expect(into.skipped.map((k) => `${k.path} ${k.reason} ${k.detail}`)).toEqual([
            'link/pair symlink a folder on its path is a symbolic link',
          ]);
          // Four links' texts count as read; the one behind a linked folder reports nothing.
          expect(into.stats.files).toBe(4);
        }
      });

      it('a name listed as a link that is a file on disk (core.symlinks=false) is read', async () => {
        const root = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(root);
        const p = fakePair();
        writeFileSync(join(root, 'link'), creds(p));
        const { into, sink } = collector();
        await reader().readFiles(
          [{ abs: `${root}/link`, path: 'link', root, kind: 'symlink' }],
          sink,
        );
        expect(into.found.map((f) => f.location.path)).toEqual(['link']);
        expect(into.skipped).toEqual([]);
      });

      it('keeps a UTF-8 folder and a link whose bytes read as the same Latin-1 text apart', async () => {
        const top = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(top);
        // A listing folder whose own name is not ASCII, and the names a folder below it.
        const root = join(top, 'root-é');
        mkdirSync(join(root, 'sub', 'café'), { recursive: true });
        mkdirSync(join(top, 'outside'));
        const pairs = [fakePair(), fakePair()];
        const write = (at: string, i: number) =>
          writeFileSync(at, creds(pairs[i] as { id: string; secret: string }));
        write(join(root, 'sub', 'café', 'a.ini'), 0);
        write(join(top, 'outside', 'b.ini'), 1);
        // `caf` and the byte E9: not UTF-8, and `café` when read as Latin-1.
        const link = Buffer.concat([Buffer.from(`${root}/sub/caf`), Buffer.from([0xe9])]);
        symlinkSync(join(top, 'outside'), link);
        const { into, sink } = collector();
        await reader().readFiles(
          [
            { abs: `${root}/sub/café/a.ini`, path: 'sub/café/a.ini', root },
            { abs: Buffer.concat([link, Buffer.from('/b.ini')]), path: 'sub/caf\\xe9/b.ini', root },
          ],
          sink,
        );
        expect(into.found.map((f) => f.location.path)).toEqual(['sub/café/a.ini']);
        expect(into.skipped.map((k) => k.reason)).toEqual(['symlink']);
      });
    });

    describe('the reader: what cannot be read is said', () => {
      it('reports a FIFO named on the command line as special, and never waits on it', () => {
        const dir = mkdtempSync(join(tmpdir(), 'kg-reader-'));
        dirs.push(dir);
        const fifo = join(dir, 'pipe');
        execFileSync('mkfifo', [fifo]);
        const named = collector();
        reader().readFile({ abs: fifo, path: 'pipe', explicit: true }, named.sink);
        expect(named.into.skipped).toEqual([expect.objectContaining({ reason: 'special' })]);
        const listed = collector();
        reader().readFile({ abs: fifo, path: 'pipe', kind: 'special' }, listed.sink);
        expect(listed.into.skipped.map((s) => s.reason)).toEqual(['not-regular']);
      });

      it('stops at a device that never ends', () => {
        const { into, sink } = collector();
        reader({ windowBytes: 64 * 1024 }).readFile({ abs: '/dev/zero', path: 'zero' }, sink);
        expect(into.skipped).toEqual([expect.objectContaining({ reason: 'special' })]);
      });

      it('a size limit the user set is a skip with the size', () => {
        const { into, sink } = collector();
        reader({ maxFileSize: 10 }).readBytes(Buffer.alloc(11), { path: 'f' }, sink);
        expect(into.skipped).toEqual([
          expect.objectContaining({ reason: 'too-large', bytes: 11, path: 'f' }),
        ]);
      });
    });
  });
}

describe('the reader configurations under test', () => {
  it('really differ: UTF-16 in the scanner, ASCII only, and too many keywords for it', () => {
    expect(FILTERS.scanner.wants16).toBeDefined();
    expect(FILTERS.scanner.words?.length).toBeLessThanOrEqual(MAX_WORDS);
    expect(FILTERS['scanner, ASCII only'].wants16).toBeUndefined();
    expect(FILTERS['scanner, ASCII only'].words?.length).toBeLessThanOrEqual(MAX_WORDS);
    expect(FILTERS['no scanner'].words?.length).toBeGreaterThan(MAX_WORDS);
  });
});
