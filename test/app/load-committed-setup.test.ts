import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configChanges } from '../../src/app/config-changes.js';
import { loadCommittedSetup } from '../../src/app/load-committed-setup.js';
import { commitFiles } from '../../src/git/commit-files.js';
import { createSandbox, type Sandbox } from '../helpers/action-repos.js';

const sandboxes: Sandbox[] = [];
const folders: string[] = [];
afterEach(() => {
  for (const s of sandboxes.splice(0)) s.cleanup();
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function sandbox(): Sandbox {
  const s = createSandbox();
  sandboxes.push(s);
  return s;
}

async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

const PACK = {
  version: 1,
  name: 'team',
  rules: [
    {
      id: 'team-token',
      kind: 'secret',
      title: 'Team token',
      description: 'A team token.',
      pattern: '\\b(kgdt_[A-Za-z0-9]{32})\\b',
      secretGroup: 1,
      keywords: ['kgdt_'],
      minEntropy: 3.5,
      report: 'labelled',
      labels: { strong: 'deploytoken' },
      severity: 'high',
      remediation: 'Revoke it.',
      examples: {
        match: ['DEPLOY_TOKEN=kgdt_q8Z3rT1mN5vB7xC2kL9pW4sD6fG0hJ1a'],
        noMatch: ['DEPLOY_TOKEN=kgdt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
      },
    },
  ],
};

describe('commitFiles', () => {
  it('reads files as the commit holds them, not as the work tree has them', async () => {
    const s = sandbox();
    const first = s.commit({ 'conf.json': 'committed\n', '*.json': 'star\n' }, 'c1');
    writeFileSync(join(s.author, 'conf.json'), 'edited in the work tree\n');
    const files = await commitFiles(s.author, first);
    expect(files.commit).toBe(first);
    expect((await files.read('conf.json'))?.toString()).toBe('committed\n');
    expect((await files.read('*.json'))?.toString()).toBe('star\n');
    expect(await files.read('missing.json')).toBeUndefined();
    expect(await files.read(':(glob)*')).toBeUndefined();
  });

  it('refuses links, folders and revisions that are not commits', async () => {
    const s = sandbox();
    writeFileSync(join(s.root, 'outside.json'), '{}');
    symlinkSync(join(s.root, 'outside.json'), join(s.author, 'link.json'));
    s.git(s.author, 'add', 'link.json');
    const c = s.commit({ 'dir/a.json': '{}' }, 'c1');
    const files = await commitFiles(s.author, c);
    expect(await failure(() => files.read('link.json'))).toBe(
      `link.json in commit ${c.slice(0, 12)} is not a regular file (a symbolic link)`,
    );
    expect(await failure(() => files.read('dir'))).toContain('is not a regular file (tree)');
    expect(await failure(() => commitFiles(s.author, '--all'))).toContain('not a commit');
    expect(await failure(() => commitFiles(s.author, 'f'.repeat(40)))).toContain('not a commit');
  });
});

describe('loadCommittedSetup', () => {
  it('takes config, rule packs and baseline from the commit, through the one validator', async () => {
    const s = sandbox();
    const c = s.commit(
      {
        '.keyguard.json': JSON.stringify({
          rules: ['packs/team.json'],
          failOn: 'high',
          baseline: 'accepted.json',
        }),
        'packs/team.json': JSON.stringify(PACK),
        'accepted.json': JSON.stringify({ version: 1, entries: [] }),
      },
      'c1',
    );
    // The work tree says something else entirely: it is not consulted.
    writeFileSync(join(s.author, '.keyguard.json'), '{ not json');
    const loaded = await loadCommittedSetup({
      root: s.author,
      files: await commitFiles(s.author, c),
      role: 'default branch',
      today: '2025-06-01',
    });
    expect(loaded.setup.config.config.failOn).toBe('high');
    expect(loaded.setup.pack.byId.has('team-token')).toBe(true);
    expect(loaded.baseline).toEqual({ version: 1, entries: [] });
    expect([...loaded.paths].sort()).toEqual([
      '.keyguard.json',
      'accepted.json',
      'packs/team.json',
    ]);
  });

  it('names the commit in errors, and defaults when the commit has no configuration', async () => {
    const s = sandbox();
    const empty = s.commit({ 'README.md': 'x\n' }, 'c0');
    const none = await loadCommittedSetup({
      root: s.author,
      files: await commitFiles(s.author, empty),
      role: 'base commit',
      today: '2025-06-01',
    });
    expect(none.setup.config.file).toBeUndefined();
    expect(none.baseline).toBeUndefined();
    expect([...none.paths].sort()).toEqual(['.keyguard-baseline.json', '.keyguard.json']);
    const bad = s.commit(
      { '.keyguard.json': JSON.stringify({ rules: ['packs/missing.json'] }) },
      'c1',
    );
    expect(
      await failure(async () =>
        loadCommittedSetup({
          root: s.author,
          files: await commitFiles(s.author, bad),
          role: 'base commit',
          today: '2025-06-01',
        }),
      ),
    ).toBe(`.keyguard.json (base commit ${bad.slice(0, 12)})#/rules/0: rule pack file not found`);
    const invalid = s.commit({ '.keyguard.json': '{ "failOn": "often" }' }, 'c2');
    expect(
      await failure(async () =>
        loadCommittedSetup({
          root: s.author,
          files: await commitFiles(s.author, invalid),
          role: 'base commit',
          today: '2025-06-01',
        }),
      ),
    ).toContain(`.keyguard.json (base commit ${invalid.slice(0, 12)})`);
  });

  it('reads a pack named outside the repository from disk (the commit cannot hold it)', async () => {
    const s = sandbox();
    const outside = mkdtempSync(join(tmpdir(), 'kg-pack-'));
    folders.push(outside);
    writeFileSync(join(outside, 'org.json'), JSON.stringify(PACK));
    const c = s.commit(
      { '.keyguard.json': JSON.stringify({ rules: [join(outside, 'org.json')] }) },
      'c1',
    );
    const loaded = await loadCommittedSetup({
      root: s.author,
      files: await commitFiles(s.author, c),
      role: 'base commit',
      today: '2025-06-01',
    });
    expect(loaded.setup.pack.byId.has('team-token')).toBe(true);
    expect(loaded.paths).not.toContain(join(outside, 'org.json'));
  });
});

describe('configChanges', () => {
  it('lists added, removed, edited files and files replaced by links', async () => {
    const s = sandbox();
    const a = s.commit({ 'same.json': '1', 'edited.json': '1', 'removed.json': '1' }, 'a');
    s.commit({ 'edited.json': '2', 'removed.json': null, 'added.json': '1' }, 'b');
    writeFileSync(join(s.root, 'x'), '1');
    s.git(s.author, 'rm', '--quiet', 'same.json');
    symlinkSync(join(s.root, 'x'), join(s.author, 'same.json'));
    s.git(s.author, 'add', 'same.json');
    const b = s.commit({}, 'c');
    const paths = ['same.json', 'edited.json', 'removed.json', 'added.json', 'never.json'];
    expect(
      await configChanges(await commitFiles(s.author, a), await commitFiles(s.author, b), paths),
    ).toEqual(['added.json', 'edited.json', 'removed.json', 'same.json']);
  });
});
