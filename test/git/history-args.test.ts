import { describe, expect, it } from 'vitest';
import { memberArgs, parseHistorySelection, splitLogOpts } from '../../src/git/history-args.js';

const parse = (tokens: string[], logOpts: string[] = []) =>
  parseHistorySelection({ tokens, logOpts, label: 'test' });

describe('history selection', () => {
  it('splits --log-opts like a command line, without expanding anything', () => {
    expect(splitLogOpts(`--author 'A B' --grep="x \\"y\\"" a\\ b  $HOME`)).toEqual([
      '--author',
      'A B',
      '--grep=x "y"',
      'a b',
      '$HOME',
    ]);
    expect(() => splitLogOpts(`--author "x`)).toThrow(/unterminated/);
  });

  it('makes each range its own member and gathers plain revisions into one', () => {
    const s = parse(['a..b', 'c...d', 'x', 'y^!', '--branches=f/*', '^z']);
    expect(s.members).toEqual([
      { refs: ['--branches=f/*'], names: ['x'] },
      { refs: [], names: ['a..b'] },
      { refs: [], names: ['c...d'] },
      { refs: [], names: ['y^!'] },
    ]);
    expect(s.exclude).toEqual({ refs: [], names: ['z'] });
  });

  it('defaults to every ref, and --not flips what follows', () => {
    expect(parse([]).members).toEqual([{ refs: ['--all'], names: [] }]);
    const s = parse([], ['main --not --remotes=origin ^keep other']);
    expect(s.members).toEqual([{ refs: [], names: ['main', 'keep'] }]);
    expect(s.exclude).toEqual({ refs: ['--remotes=origin'], names: ['other'] });
    expect(() => parse(['^a..b'])).toThrow(/cannot be excluded/);
  });

  it('joins values to their options and hands names to git on standard input', () => {
    const s = parse(['--author', '--output=x', '-n', '3', 'main', '--', 'src/', '-p']);
    expect(s.filters).toEqual(['--author=--output=x']);
    expect(s.maxCount).toBe(3);
    expect(s.pathspecs).toEqual(['src/', '-p']);
    const [member] = s.members;
    expect(member).toBeDefined();
    if (member === undefined) return;
    expect(memberArgs(s, member)).toEqual({
      args: ['--author=--output=x', '--full-history', '--stdin'],
      input: 'main\n',
    });
    const ex = parse(['a..b', '^c'], ['--not --remotes=o']);
    const [range] = ex.members;
    if (range === undefined) return;
    expect(memberArgs(ex, range, ['--max-count=2'])).toEqual({
      args: ['--max-count=2', '--not', '--remotes=o', '--not', '--stdin'],
      input: 'a..b\n^c\n',
    });
  });

  it('refuses options that change output, write files or run programs', () => {
    for (const bad of [
      '--output=x',
      '--format=%H',
      '-p',
      '--ext-diff',
      '--textconv',
      '--stdin',
      '-S',
    ]) {
      expect(() => parse([], [bad]), bad).toThrow(/not allowed in --log-opts/);
    }
    expect(() => parse(['--since=yesterday-ish'])).toThrow(/--since/);
    expect(() => parse(['--max-count=-1'])).toThrow(/whole number/);
    expect(() => parse(['--no-merges=1'])).toThrow(/takes no value/);
  });
});
