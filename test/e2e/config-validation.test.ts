import { describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';

// One validator for .keyguard.json on every path: a value the schema refuses stops tree, staged
// (the pre-commit hook, prefilter included), history and stdin alike, never a silent pass.
const repo = useTempRepos();

describe('.keyguard.json is validated the same way by every command', () => {
  it.each([
    ['maxFileSize 0', { maxFileSize: 0 }, 'must be >= 1'],
    ['maxFileSize -1', { maxFileSize: -1 }, 'must be >= 1'],
    ['maxFileSize 0.5', { maxFileSize: 0.5 }, 'must be integer'],
    ['allowPartial "yes"', { allowPartial: 'yes' }, 'must be boolean'],
  ])('%s: exit 2 from every gate', (_label, config, message) => {
    const r = repo();
    r.write('.keyguard.json', JSON.stringify(config));
    r.write('README.md', 'docs\n');
    r.commitAll('init');
    expect(r.keyguard(['install']).code).toBe(0);
    r.write('creds.ini', credentialsFile(fakeCredentials(81)));
    r.git('add', 'creds.ini');
    const runs = [r.keyguard(['tree', '.']), r.keyguard(['staged']), r.keyguard(['history'])];
    const hook = r.tryGit('commit', '-q', '-m', 'through the hook');
    for (const res of [...runs, hook]) {
      expect(res.code, res.stderr).not.toBe(0);
      expect(res.stderr).toContain(`.keyguard.json#/${Object.keys(config)[0]}: ${message}`);
    }
    for (const res of runs) expect(res.code).toBe(2);
  });

  it('a broken config blocks a commit with nothing key-like in it too (the prefilter defers)', () => {
    const r = repo();
    r.write('.keyguard.json', JSON.stringify({ maxFileSize: 0 }));
    r.commitAll('init');
    expect(r.keyguard(['install']).code).toBe(0);
    r.write('notes.txt', 'nothing to see\n');
    r.git('add', 'notes.txt');
    const hook = r.tryGit('commit', '-q', '-m', 'clean change');
    expect(hook.code).not.toBe(0);
    expect(hook.stderr).toContain('.keyguard.json#/maxFileSize: must be >= 1');
  });
});
