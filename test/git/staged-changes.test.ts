import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LINE_DIFF_MAX_BYTES,
  parseStagedDiff,
  readStagedChanges,
} from '../../src/git/staged-changes.js';
import { useTempRepos } from '../helpers/git-repo.js';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function diff(raw: string[], patch: string): Buffer {
  return Buffer.from(`${raw.join('\0')}\0\0${patch}`);
}

describe('parseStagedDiff', () => {
  it('reads renames, additions and hunk forms', () => {
    const out = diff(
      [
        `:100644 100644 ${A} ${B} R087`,
        'old name',
        'new\nname',
        `:000000 100644 ${Z} ${A} A`,
        'added',
      ],
      [
        'diff --git a/old name b/new\\nname',
        'similarity index 87%',
        '@@ -3 +3 @@',
        '-x',
        '+y',
        '@@ -10,2 +10,0 @@',
        '-gone',
        '-gone',
        '@@ -20,0 +21,4 @@',
        '+a',
        'diff --git a/added b/added',
        '@@ -0,0 +1,2 @@',
        '+diff --git not a header: content lines start with +',
        '+x',
        '',
      ].join('\n'),
    );
    const changes = parseStagedDiff(out);
    expect(changes).toEqual([
      {
        path: 'new\nname',
        pathBuffer: Buffer.from('new\nname'),
        from: 'old name',
        status: 'R',
        oldMode: '100644',
        newMode: '100644',
        blob: B,
        added: [
          { start: 3, end: 3 },
          { start: 21, end: 24 },
        ],
        binaryDiff: false,
      },
      {
        path: 'added',
        pathBuffer: Buffer.from('added'),
        status: 'A',
        oldMode: '000000',
        newMode: '100644',
        blob: A,
        added: [{ start: 1, end: 2 }],
        binaryDiff: false,
      },
    ]);
  });

  it('keeps a name that is not UTF-8 as bytes, shown with \\x escapes', () => {
    const name = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x65, 0x6e, 0x76]);
    const raw = Buffer.concat([
      Buffer.from(`:000000 100644 ${Z} ${A} A\0`),
      name,
      Buffer.from('\0\0diff --git a/x b/x\n@@ -0,0 +1 @@\n+x\n'),
    ]);
    const [change] = parseStagedDiff(raw);
    expect(change?.path).toBe('caf\\xe9.env');
    expect(change?.pathBuffer.equals(name)).toBe(true);
    expect(change?.pathBytes).toBe(name.toString('base64'));
  });

  it('marks a section git could not diff as lines (binary or -diff attribute)', () => {
    const out = diff(
      [`:100644 100644 ${A} ${B} M`, 'data.env'],
      'diff --git a/data.env b/data.env\nindex 1..2 100644\nBinary files a/data.env and b/data.env differ\n',
    );
    expect(parseStagedDiff(out)[0]?.binaryDiff).toBe(true);
  });

  it('counts unmerged paths as sections and refuses to guess on a mismatch', () => {
    const ok = diff([`:100644 000000 ${A} ${Z} U`, 'conflict'], '* Unmerged path conflict\n');
    expect(parseStagedDiff(ok)[0]?.status).toBe('U');
    const bad = diff(
      [`:100644 100644 ${A} ${B} M`, 'x', `:100644 100644 ${A} ${B} M`, 'y'],
      'diff --git a/x b/x\n',
    );
    expect(() => parseStagedDiff(bad)).toThrow(/2 paths but 1 patches/);
  });

  it('a type change (file to symbolic link and back) is two patches: the new side is the second', () => {
    const out = diff(
      [
        `:100644 120000 ${A} ${B} T`,
        'f',
        `:120000 100644 ${B} ${A} T`,
        'g',
        `:000000 100644 ${Z} ${A} A`,
        'h',
      ],
      [
        'diff --git a/f b/f',
        'deleted file mode 100644',
        '@@ -1 +0,0 @@',
        '-hello',
        'diff --git a/f b/f',
        'new file mode 120000',
        '@@ -0,0 +1 @@',
        '+target',
        'diff --git a/g b/g',
        'deleted file mode 120000',
        '@@ -1 +0,0 @@',
        '-target',
        'diff --git a/g b/g',
        'new file mode 100644',
        '@@ -0,0 +1,3 @@',
        '+a',
        'diff --git a/h b/h',
        '@@ -0,0 +1 @@',
        '+h',
        '',
      ].join('\n'),
    );
    expect(parseStagedDiff(out).map((c) => [c.path, c.status, c.added])).toEqual([
      ['f', 'T', [{ start: 1, end: 1 }]],
      ['g', 'T', [{ start: 1, end: 3 }]],
      ['h', 'A', [{ start: 1, end: 1 }]],
    ]);
  });

  it('an empty diff is no change', () => {
    expect(parseStagedDiff(Buffer.alloc(0))).toEqual([]);
  });
});

describe('parseStagedDiff in pieces', () => {
  it('reads the same whatever the pieces, even one byte at a time', () => {
    const long = `+${'x'.repeat(5000)}`;
    const out = diff(
      [`:100644 100644 ${A} ${B} M`, 'a b', `:000000 100644 ${Z} ${A} A`, 'new'],
      [
        'diff --git a/a b b/a b',
        '@@ -3 +3,2 @@',
        long,
        '+@@ -1 +99 @@ content, not a header',
        '-diff --git a/x b/x',
        '\\ No newline at end of file',
        `diff --git a/new${'d'.repeat(300)} b/new`,
        '@@ -0,0 +1 @@',
        long,
        '',
      ].join('\n'),
    );
    const whole = parseStagedDiff(out);
    expect(whole.map((c) => [c.path, c.added])).toEqual([
      ['a b', [{ start: 3, end: 4 }]],
      ['new', [{ start: 1, end: 1 }]],
    ]);
    const bytes = Array.from({ length: out.length }, (_, i) => out.subarray(i, i + 1));
    expect(parseStagedDiff(bytes)).toEqual(whole);
    for (const size of [2, 7, 199, 200, 201, 4096]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < out.length; i += size) pieces.push(out.subarray(i, i + size));
      expect(parseStagedDiff(pieces), `pieces of ${size}`).toEqual(whole);
    }
  });
});

describe('readStagedChanges', () => {
  const tempRepo = useTempRepos();

  it('reads a staged type change from git itself: a file become a symbolic link, a link a file', async () => {
    const r = tempRepo();
    r.write('f', 'hello\n');
    symlinkSync('some target', join(r.dir, 'g'));
    r.commitAll('init');
    rmSync(join(r.dir, 'f'));
    symlinkSync('a target', join(r.dir, 'f'));
    rmSync(join(r.dir, 'g'));
    r.write('g', 'one\ntwo\n');
    r.write('h', 'plain\n');
    r.git('add', '-A');
    const changes = await readStagedChanges(r.dir);
    expect(changes.map((c) => [c.path, c.status, c.newMode, c.added])).toEqual([
      ['f', 'T', '120000', [{ start: 1, end: 1 }]],
      ['g', 'T', '100644', [{ start: 1, end: 2 }]],
      ['h', 'A', '100644', [{ start: 1, end: 1 }]],
    ]);
  });

  it('gives a staged file over 8 MiB no line diff: every line of it counts as new', async () => {
    // A line diff holds both versions whole (git took ~500 MB for a 300 MB file): above the
    // limit git calls the file binary, and the scan reads all of it (fail closed).
    const r = tempRepo();
    const big = Buffer.alloc(LINE_DIFF_MAX_BYTES + 1024, 'line of text\n');
    r.write('big.txt', big);
    r.write('small.txt', 'one\n');
    r.commitAll('base');
    r.write('big.txt', Buffer.concat([big, Buffer.from('added\n')]));
    r.write('small.txt', 'one\ntwo\n');
    r.git('add', '-A');
    const changes = await readStagedChanges(r.dir);
    expect(changes.map((c) => [c.path, c.binaryDiff, c.added])).toEqual([
      ['big.txt', true, []],
      ['small.txt', false, [{ start: 2, end: 2 }]],
    ]);
  });
});
