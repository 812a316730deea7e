import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakePair, leaks } from '../helpers/fake-keys.js';
import { credentialsFile, fakeCredentials, useTempRepos } from '../helpers/git-repo.js';
import { assertBuilt, runCli, tempDir } from '../helpers/run-cli.js';

// Config layering: `extends` (files and npm packages), a user configuration that can only
// tighten, `keyguard config show`; every layer through the one validator, in every mode.

assertBuilt();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
const repo = useTempRepos();

function folder(files: Record<string, unknown>): string {
  const dir = tempDir();
  cleanups.push(dir.cleanup);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(
      join(dir.path, name),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }
  return dir.path;
}

const pair = fakePair();
const creds = `aws_access_key_id = ${pair.id}\naws_secret_access_key = ${pair.secret}\n`;
const json = (stdout: string) => JSON.parse(stdout);

interface Shown {
  layers: { file: string; kind: string }[];
  config: Record<string, unknown>;
  origins: Record<string, string>;
}

describe('extends', () => {
  it('merges a chain of files and a package, lowest first, and config show says where each value came from', () => {
    const dir = folder({
      '.keyguard.json': {
        extends: ['./team/keyguard.json', '@acme/keyguard-config'],
        failOn: 'medium',
      },
      'team/keyguard.json': {
        extends: '../base.json',
        allowlist: { paths: [{ glob: 'fixtures/**', reason: 'test data' }] },
        rules: [],
      },
      'base.json': { failOn: 'high', disableRules: ['aws-access-key-id'] },
      'node_modules/@acme/keyguard-config/package.json': {
        name: '@acme/keyguard-config',
        main: 'preset.json',
      },
      'node_modules/@acme/keyguard-config/preset.json': { enableRules: ['aws-unique-identifier'] },
      'fixtures/creds.ini': creds,
      'src/creds.ini': creds,
    });
    const shown = json(runCli(['config', 'show', '-f', 'json'], { cwd: dir }).stdout) as Shown;
    expect(shown.layers.map((l) => [l.file.slice(dir.length + 1), l.kind])).toEqual([
      ['base.json', 'extends'],
      ['team/keyguard.json', 'extends'],
      ['node_modules/@acme/keyguard-config/preset.json', 'extends'],
      ['.keyguard.json', 'repository'],
    ]);
    expect(shown.config).toMatchObject({
      failOn: 'medium',
      disableRules: ['aws-access-key-id'],
      enableRules: ['aws-unique-identifier'],
      allowlist: { paths: [{ glob: 'fixtures/**' }] },
    });
    expect(shown.origins['/failOn']).toBe(join(dir, '.keyguard.json'));
    expect(shown.origins['/allowlist/paths/0']).toBe(join(dir, 'team/keyguard.json'));
    expect(shown.origins['/enableRules/0']).toBe(
      join(dir, 'node_modules/@acme/keyguard-config/preset.json'),
    );
    const human = runCli(['config', 'show'], { cwd: dir });
    expect(human.stdout).toContain('/failOn = "medium"  ← .keyguard.json');
    expect(human.stdout).toContain(
      '/allowlist/paths/0 = {"glob":"fixtures/**","reason":"test data"}  ← team/keyguard.json',
    );
    // The scan uses the merged result: the allowlisted fixture is suppressed, src/ is found.
    const scan = json(runCli(['tree', '-f', 'json'], { cwd: dir }).stdout);
    expect(scan.findings.map((f: { path: string }) => f.path)).toEqual(['src/creds.ini']);
    expect(scan.suppressed.items.map((s: { path: string }) => s.path)).toEqual([
      'fixtures/creds.ini',
    ]);
    expect(leaks(human.stdout + JSON.stringify(shown), [pair])).toEqual([]);
  });

  it('finds a package by its keyguard.json or a .json path inside it, never outside it', () => {
    const dir = folder({
      '.keyguard.json': { extends: ['team-config', 'team-config/strict.json'] },
      'node_modules/team-config/keyguard.json': { failOn: 'high' },
      'node_modules/team-config/strict.json': { failOn: 'critical' },
    });
    const shown = json(runCli(['config', 'show', '-f', 'json'], { cwd: dir }).stdout) as Shown;
    expect(shown.config.failOn).toBe('critical');
    writeFileSync(
      join(dir, '.keyguard.json'),
      JSON.stringify({ extends: 'team-config/../../x.json' }),
    );
    const out = runCli(['tree'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/#\/extends: neither a file path .* nor an npm package name/);
  });

  it.each([
    [
      'a cycle',
      {
        '.keyguard.json': { extends: './a.json' },
        'a.json': { extends: './b.json' },
        'b.json': { extends: './a.json' },
      },
      /b\.json#\/extends: extends cycle: .*\.keyguard\.json → .*a\.json → .*b\.json → .*a\.json$/,
    ],
    [
      'a chain deeper than 8',
      Object.fromEntries([
        ['.keyguard.json', { extends: './c1.json' }],
        ...Array.from({ length: 10 }, (_, i) => [
          `c${i + 1}.json`,
          { extends: `./c${i + 2}.json` },
        ]),
      ]),
      /#\/extends: extends nests deeper than 8 files$/,
    ],
    [
      'a missing file',
      { '.keyguard.json': { extends: ['./a.json', './gone.json'] }, 'a.json': {} },
      /\.keyguard\.json#\/extends\/1: file not found$/,
    ],
    [
      'a bare name that is no package (a file needs ./)',
      { '.keyguard.json': { extends: 'team.json' }, 'team.json': {} },
      /#\/extends: no such package in node_modules \(a file path starts with \.\/ or \.\.\/\)$/,
    ],
    [
      'an invalid extended file, named by its own path and pointer',
      {
        '.keyguard.json': { extends: './team.json' },
        'team.json': { failOn: 'severe', colour: 1 },
      },
      /team\.json: invalid configuration/,
    ],
    ['extends of the wrong type', { '.keyguard.json': { extends: 3 } }, /\.keyguard\.json/],
    [
      'a device (a hostile repository cannot stall the scan or read a file into a report)',
      { '.keyguard.json': { extends: '/dev/zero' } },
      /^keyguard: \/dev\/zero: not a regular file/,
    ],
  ])(
    '%s: exit 2, one message naming the file; the pre-commit gate says exactly the same',
    (_, files, message) => {
      const r = repo();
      for (const [name, content] of Object.entries(files)) r.write(name, JSON.stringify(content));
      r.write('app.ini', 'nothing\n');
      r.git('add', '-A');
      const tree = r.keyguard(['tree']);
      expect(tree.code).toBe(2);
      expect(tree.stderr.split('\n')[0]).toMatch(message);
      const staged = r.keyguard(['staged']);
      expect(staged.code).toBe(2);
      expect(staged.stderr).toBe(tree.stderr);
    },
  );
});

describe('the user configuration', () => {
  function withUser(user: unknown, repoConfig: unknown = {}) {
    const dir = folder({ '.keyguard.json': repoConfig, 'app.ts': `const id = '${pair.id}';\n` });
    const xdg = folder({ 'keyguard/config.json': user });
    const env = { XDG_CONFIG_HOME: xdg };
    return { dir, env, xdg };
  }

  it('can tighten the gate: enable rules, a stricter failOn; a looser failOn is ignored', () => {
    // A lone key ID is low: --fail-on medium in the repository lets it through.
    const looser = withUser({ failOn: 'critical' }, { failOn: 'medium' });
    expect(runCli(['tree'], { cwd: looser.dir, env: looser.env }).code).toBe(0);
    const stricter = withUser({ failOn: 'low' }, { failOn: 'medium' });
    const r = runCli(['tree'], { cwd: stricter.dir, env: stricter.env });
    expect(r.code).toBe(1);
    const shown = json(
      runCli(['config', 'show', '-f', 'json'], { cwd: stricter.dir, env: stricter.env }).stdout,
    ) as Shown;
    expect(shown.layers.map((l) => l.kind)).toEqual(['repository', 'user']);
    expect(shown.origins['/failOn']).toBe(join(stricter.xdg, 'keyguard/config.json'));
    // ~/.config/keyguard/config.json when XDG_CONFIG_HOME is not set.
    const home = folder({ '.config/keyguard/config.json': { failOn: 'low' } });
    const viaHome = runCli(['tree'], {
      cwd: stricter.dir,
      env: { XDG_CONFIG_HOME: undefined, HOME: home },
    });
    expect(viaHome.code).toBe(1);
  });

  it.each([
    [{ allowlist: { paths: [{ glob: '**', reason: 'mine' }] } }, 'allowlist'],
    [{ disableRules: ['aws-access-key-id'] }, 'disableRules'],
    [{ allowPartial: true }, 'allowPartial'],
    [{ maxFileSize: 10 }, 'maxFileSize'],
    [{ baseline: 'b.json' }, 'baseline'],
    [{ extends: './other.json' }, 'extends'],
    [{ otherMarkers: true }, 'otherMarkers: true'],
    [{ accounts: { allow: [{ id: '123456789012', reason: 'mine' }] } }, 'accounts.allow'],
  ])('cannot weaken it: %j is an error naming %s', (user, key) => {
    const { dir, env, xdg } = withUser(user);
    const r = runCli(['tree'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `keyguard: ${join(xdg, 'keyguard/config.json')}#/${key.startsWith('accounts') ? 'accounts/allow' : key.split(':')[0]}: a user configuration cannot set ${key}: it would weaken the repository's gate (set it in the repository's .keyguard.json)\n`,
    );
  });

  it('goes through the same validator as every layer', () => {
    const { dir, env } = withUser({ failOn: 'severe' });
    const r = runCli(['tree'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/keyguard\/config\.json: invalid configuration/);
  });
});

describe('a committed configuration (server gate): extends is read from the same commit', () => {
  function server(files: Record<string, unknown>) {
    const r = repo();
    const dir = join(r.dir, '..', 'server.git');
    r.git('init', '-q', '--bare', '-b', 'main', dir);
    r.git('remote', 'add', 'origin', dir);
    for (const [name, content] of Object.entries(files)) r.write(name, JSON.stringify(content));
    r.write('README.md', 'hello\n');
    r.commitAll('init');
    expect(r.tryGit('push', '-q', 'origin', 'main').code).toBe(0);
    const install = r.keyguard(['install', '--hook', 'pre-receive'], dir);
    expect(install.code, install.stderr).toBe(0);
    return r;
  }

  it('a push that rewrites the extended file cannot allowlist its own key', () => {
    const r = server({
      '.keyguard.json': { extends: './security/team.json' },
      'security/team.json': {
        allowlist: { paths: [{ glob: 'fixtures/**', reason: 'test data' }] },
      },
    });
    const c = fakeCredentials(77);
    r.write('fixtures/ok.ini', credentialsFile(fakeCredentials(78)));
    r.commitAll('fixture');
    expect(r.tryGit('push', '-q', 'origin', 'main').code).toBe(0);
    r.write(
      'security/team.json',
      JSON.stringify({ allowlist: { paths: [{ glob: '**', reason: 'all' }] } }),
    );
    r.write('src/prod.ini', credentialsFile(c));
    r.commitAll('widen');
    const push = r.tryGit('push', '-q', 'origin', 'main');
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/keyguard: push rejected/);
    expect(push.stderr).not.toContain(c.secret);
  });

  it('an npm package is not followed: the change being checked installs node_modules', () => {
    const r = server({ '.keyguard.json': { extends: '@acme/keyguard-config' } });
    r.write('a.txt', 'clean\n');
    r.commitAll('clean');
    const push = r.tryGit('push', '-q', 'origin', 'main');
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/a committed configuration cannot extend an npm package/);
  });
});
