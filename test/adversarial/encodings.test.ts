import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak } from '../helpers/adversarial.js';
import { type FakePair, fakePair } from '../helpers/fake-keys.js';
import { useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli } from '../helpers/run-cli.js';

// Issue 10, "a BOM is a hint, not a verdict": byte-order marks that lie, UTF-16 of odd length or
// without a mark, invalid UTF-8, each with the key where a decoder would lose it (the very end of
// the file, with no newline after it). Every mode finds every key, and a blob that once broke
// `history` for good (FE FF then an odd length) breaks nothing.

beforeAll(() => assertBuilt());
const tempRepo = useTempRepos();

interface Report {
  findings: { ruleId: string; path: string }[];
  skipped: { items: unknown[] };
}
const json = (stdout: string): Report => JSON.parse(stdout) as Report;

const be = (s: string) => Buffer.from(s, 'utf16le').swap16();
const le = (s: string) => Buffer.from(s, 'utf16le');
const bytes = (...parts: (Buffer | number[] | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/** The pair as a profile, with `eol` line endings and no newline after the secret. */
const body = (p: FakePair, eol: string) =>
  `[default]${eol}aws_access_key_id = ${p.id}${eol}aws_secret_access_key = ${p.secret}`;

/** Each lie, each line ending: file name → bytes. */
function lyingFiles(
  eol: string,
  tag: string,
): { files: Record<string, Buffer>; pairs: FakePair[] } {
  const cases: Record<string, (s: string) => Buffer> = {
    'fffe-then-ascii': (s) => bytes([0xff, 0xfe], s),
    'feff-then-ascii': (s) => bytes([0xfe, 0xff], s),
    'feff-then-ascii-odd': (s) => bytes([0xfe, 0xff], s, '\n!'),
    'feff-utf16be-odd': (s) => bytes([0xfe, 0xff], be(`${s}\n`), [0x41]),
    'fffe-utf16le-odd': (s) => bytes([0xff, 0xfe], le(`${s}\n`), [0x41]),
    'utf16be-after-stray-byte': (s) => bytes([7], be(s)),
    'feff-utf16be-at-eof': (s) => bytes([0xfe, 0xff], be(s)),
    'fffe-utf16le-at-eof': (s) => bytes([0xff, 0xfe], le(s)),
    'utf16be-no-bom-at-eof': (s) => be(s),
    'utf16le-no-bom-at-eof': (s) => le(s),
    'utf16le-after-stray-byte': (s) => bytes([7], le(s)),
    'fffe-but-utf16be': (s) => bytes([0xff, 0xfe], be(s)),
    'invalid-utf8': (s) => bytes([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80, 0x0a], s, [0xe2, 0x82]),
    'utf8-bom': (s) => bytes([0xef, 0xbb, 0xbf], s),
  };
  const files: Record<string, Buffer> = {};
  const pairs: FakePair[] = [];
  for (const [name, encode] of Object.entries(cases)) {
    const p = fakePair();
    pairs.push(p);
    files[`${name}-${tag}.ini`] = encode(body(p, eol));
  }
  return { files, pairs };
}

const EOLS: [string, string][] = [
  ['\n', 'lf'],
  ['\r\n', 'crlf'],
  ['\r', 'cr'],
];

describe('byte-order marks that lie, odd lengths, invalid UTF-8', () => {
  it('tree, staged and history find the pair in every file, with every line ending', () => {
    const r = tempRepo();
    const all: FakePair[] = [];
    const names: string[] = [];
    for (const [eol, tag] of EOLS) {
      const { files, pairs } = lyingFiles(eol, tag);
      all.push(...pairs);
      for (const [name, data] of Object.entries(files)) {
        r.write(name, data);
        names.push(name);
      }
    }
    const expectEveryPair = (stdout: string, what: string) => {
      const report = json(stdout);
      expect(report.skipped.items, what).toEqual([]);
      const paired = report.findings.filter((f) => f.ruleId === 'aws-access-key-pair');
      expect(paired.map((f) => f.path).sort(), what).toEqual([...names].sort());
    };
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    expect(tree.code, tree.stderr).toBe(1);
    expectEveryPair(tree.stdout, 'tree');
    r.git('add', '-A');
    const staged = r.keyguard(['staged', '-f', 'json']);
    expect(staged.code, staged.stderr).toBe(1);
    expectEveryPair(staged.stdout, 'staged');
    r.commitAll('lying encodings');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(1);
    expectEveryPair(history.stdout, 'history');
    for (const ran of [tree, staged, history])
      expect(ran.stderr).not.toMatch(/RangeError|\n\s+at /);
    expectNoLeak([tree, staged, history], all);
  });

  it('stdin finds each one the same', () => {
    const { files, pairs } = lyingFiles('\n', 'stdin');
    const codes: Record<string, number> = {};
    const runs = Object.entries(files).map(([name, data]) => {
      const ran = runCli(['stdin', '--path', name, '-f', 'json'], { input: data });
      codes[name] = ran.code;
      expect(
        json(ran.stdout).findings.map((f) => f.ruleId),
        name,
      ).toEqual(['aws-access-key-pair']);
      return ran;
    });
    expect(new Set(Object.values(codes))).toEqual(new Set([1]));
    expectNoLeak(runs, pairs);
  });

  it('a lone key ID ending a big-endian UTF-16 file is found (its last byte has no partner)', () => {
    const r = tempRepo();
    const p = fakePair();
    r.write('be.txt', be(`id = ${p.id}`));
    r.write('be-bom.txt', bytes([0xfe, 0xff], be(`id = ${p.id}`)));
    const res = r.keyguard(['tree', '.', '-f', 'json']);
    expect(res.code, res.stderr).toBe(1);
    expect(
      json(res.stdout)
        .findings.map((f) => `${f.path} ${f.ruleId}`)
        .sort(),
    ).toEqual(['be-bom.txt aws-access-key-id', 'be.txt aws-access-key-id']);
  });

  it('a stray byte right after the secret at the end of a UTF-16 file: the pair is found', () => {
    // An odd length's last byte is either the last character of big-endian text read one byte
    // late or a stray after little-endian text; read as text it spoils the secret (41
    // characters, or its last one merged into a code unit). Both readings are scanned.
    const r = tempRepo();
    const pairs: FakePair[] = [];
    const files: Record<string, (p: FakePair) => Buffer> = {
      'le-odd.ini': (p) => bytes([0xff, 0xfe], le(body(p, '\n')), [0x41]),
      'be-odd.ini': (p) => bytes([0xfe, 0xff], be(body(p, '\n')), [0x41]),
      'le-odd-no-bom.ini': (p) => bytes(le(body(p, '\r\n')), [0x7a]),
      'be-odd-no-bom.ini': (p) => bytes(be(body(p, '\n')), [0x39]),
    };
    for (const [name, make] of Object.entries(files)) {
      const p = fakePair();
      pairs.push(p);
      r.write(name, make(p));
    }
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    r.git('add', '-A');
    const staged = r.keyguard(['staged', '-f', 'json']);
    for (const res of [tree, staged]) {
      expect(res.code, res.stderr).toBe(1);
      expect(
        json(res.stdout)
          .findings.map((f) => `${f.path} ${f.ruleId}`)
          .sort(),
      ).toEqual(
        Object.keys(files)
          .map((f) => `${f} aws-access-key-pair`)
          .sort(),
      );
    }
    expectNoLeak([tree, staged], pairs);
  });

  it('a key ID and its secret at different UTF-16 alignments, or one of them in ASCII: paired', () => {
    // A database or a log that writes UTF-16 records after a header of odd length, or a stray byte
    // between two UTF-16 runs, puts the key ID and the secret at different byte parity: each
    // was in a different view and neither view could pair them.
    const r = tempRepo();
    const pairs: FakePair[] = [];
    const id = (p: FakePair) => `aws_access_key_id = ${p.id}\n`;
    const secret = (p: FakePair) => `aws_secret_access_key = ${p.secret}\n`;
    const files: Record<string, (p: FakePair) => Buffer> = {
      'two-le-runs.ini': (p) => bytes(le(id(p)), [7], le(secret(p))),
      'le-then-be.ini': (p) => bytes(le(id(p)), be(secret(p))),
      'be-then-le-odd.ini': (p) => bytes([0xfe, 0xff], be(id(p)), [0x20], le(secret(p))),
      'ascii-id-then-le.ini': (p) => bytes(id(p), le(secret(p))),
      'odd-header-then-le.ini': (p) => bytes('# v1\n', le('[x]\n'), [0], id(p), le(secret(p))),
      'le-id-then-ascii.ini': (p) => bytes(le(id(p)), secret(p)),
    };
    for (const [name, make] of Object.entries(files)) {
      const p = fakePair();
      pairs.push(p);
      r.write(name, make(p));
    }
    const tree = r.keyguard(['tree', '.', '-f', 'json']);
    r.git('add', '-A');
    const staged = r.keyguard(['staged', '-f', 'json']);
    r.commitAll('alignments');
    const history = r.keyguard(['history', '-f', 'json']);
    for (const res of [tree, staged, history]) {
      expect(res.code, res.stderr).toBe(1);
      expect(
        json(res.stdout)
          .findings.map((f) => `${f.path} ${f.ruleId}`)
          .sort(),
      ).toEqual(
        Object.keys(files)
          .map((f) => `${f} aws-access-key-pair`)
          .sort(),
      );
    }
    const stdin = Object.entries(files).map(([name, make]) => {
      const p = fakePair();
      pairs.push(p);
      const ran = runCli(['stdin', '--path', name, '-f', 'json'], { input: make(p) });
      expect(ran.code, name).toBe(1);
      expect(
        json(ran.stdout).findings.map((f) => f.ruleId),
        name,
      ).toEqual(['aws-access-key-pair']);
      return ran;
    });
    expectNoLeak([tree, staged, history, ...stdin], pairs);
  }, 120_000);

  it('history keeps working past an odd-length FE FF blob: later keys are still found', () => {
    const r = tempRepo();
    r.write('broken.txt', bytes([0xfe, 0xff], be('hello there'), [0x41]));
    r.commitAll('odd blob');
    r.write('broken.txt', bytes([0xfe, 0xff, 0x00]));
    r.commitAll('odder blob');
    const p = fakePair();
    r.write('later.ini', body(p, '\n'));
    r.commitAll('a key after it');
    const history = r.keyguard(['history', '-f', 'json']);
    expect(history.code, history.stderr).toBe(1);
    expect(json(history.stdout).findings.map((f) => f.path)).toEqual(['later.ini']);
    // Twice: nothing the first run cached can break the second.
    const again = r.keyguard(['history', '-f', 'json']);
    expect(again.code, again.stderr).toBe(1);
    expectNoLeak([history, again], [p]);
  });
});
