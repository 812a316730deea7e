import { describe, expect, it } from 'vitest';
import { packByteFilter } from '../../src/app/create-scan-setup.js';
import { createByteScanner } from '../../src/sources/byte-scan.js';
import { nameCandidates, namesOf, nameViews } from '../../src/sources/name-candidates.js';
import { targetNames } from '../../src/sources/target-set.js';
import { PACK } from '../engine/scan-text.js';
import { fakePair } from '../helpers/fake-keys.js';

const FILTER = packByteFilter(PACK);
const SCANNER = createByteScanner(FILTER.words ?? [], FILTER.bits);

describe('nameViews', () => {
  it('reads a name as it is, as words, and with its folders apart, at the same offsets', () => {
    expect(nameViews('a/b_c-d.txt')).toEqual(['a/b_c-d.txt', 'a/b c d txt', 'a b c d txt']);
    expect(nameViews('README')).toEqual(['README']);
    for (const v of nameViews('x/aws_key=1.ini')) expect(v.length).toBe('x/aws_key=1.ini'.length);
  });
});

describe('nameCandidates', () => {
  const { id, secret: raw } = fakePair();
  const secret = raw.replaceAll('/', 'Q');
  const names = [
    'src/index.ts',
    // A keyword, but no run of 40 characters a secret needs: as a file's bytes, not read.
    'config/api_key.ts',
    `backup/${id}.csv`,
    'docs/secret-manager.md',
    // `aws/access` is `aws access` in a view: a keyword (`aws a`) only a view makes.
    `deploy/aws/access=${secret}`,
    `aws_secret_access_key=${secret}.txt`,
    'node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js',
  ];

  it('picks the names that may hold a finding, with the scanner and without', () => {
    expect(SCANNER).toBeDefined();
    expect(nameCandidates(namesOf(names), FILTER, SCANNER)).toEqual([2, 4, 5]);
    // Without the scanner every name with a keyword is given to the engine: more, never fewer.
    const slow = nameCandidates(namesOf(names), FILTER, undefined);
    for (const i of [2, 4, 5]) expect(slow).toContain(i);
    expect(slow).not.toContain(0);
  });

  it('answers for names in groups larger than one pass, and for none', () => {
    const many = Array.from({ length: 30_000 }, (_, i) => `packages/p${i}/src/module-${i}.ts`);
    many[12_345] = `packages/x/${id}`;
    many[29_999] = `aws_secret_access_key=${secret}`;
    expect(nameCandidates(namesOf(many), FILTER, SCANNER)).toEqual([12_345, 29_999]);
    expect(nameCandidates(namesOf([]), FILTER, SCANNER)).toEqual([]);
  });

  it('reads a listing from the bytes git gave, a name that is not UTF-8 too', () => {
    const names = [
      Buffer.from('src/index.ts'),
      Buffer.concat([Buffer.from('keys/\xff', 'latin1'), Buffer.from(`${id}.csv`)]),
      Buffer.from(`aws_secret_access_key=${secret}.txt`),
    ];
    const starts: number[] = [];
    const ends: number[] = [];
    let at = 0;
    for (const n of names) {
      starts.push(at);
      ends.push(at + n.length);
      at += n.length + 1;
    }
    const bytes = Buffer.concat(names.flatMap((n) => [n, Buffer.from([0])]));
    const set = {
      files: [{ abs: '/x/named.txt', path: `named/${id}` }],
      packs: [
        {
          bytes,
          starts: Int32Array.from(starts),
          ends: Int32Array.from(ends),
          kinds: new Uint8Array(names.length),
          utf8: false,
          base: '/x',
        },
      ],
    };
    const listed = targetNames(set);
    expect(listed.count).toBe(4);
    const found = nameCandidates(listed, FILTER, SCANNER);
    expect(found).toEqual([0, 2, 3]);
    expect(found.map((i) => listed.label(i))).toEqual([
      { path: `named/${id}` },
      { path: `keys/\\xff${id}.csv`, pathBytes: names[1]?.toString('base64') },
      { path: `aws_secret_access_key=${secret}.txt` },
    ]);
  });
});
