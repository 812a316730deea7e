import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFile, fakeCredentials, isolatedGitEnv } from '../helpers/git-repo.js';

/**
 * The package as a newcomer gets it: `npm pack` (its real prepack and postpack), installed from
 * the tarball into an empty project with no network, then husky 9 and `keyguard install` as the
 * README says. The suite runs on Node 20 and again on Node 24 in CI; KEYGUARD_TEST_NODE24 (a
 * node binary) adds a Node 24 install leg to a local run.
 */
const REPO = resolve(import.meta.dirname, '../..');
const SHIPPED = ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', '.pre-commit-hooks.yaml'];
const FOLDERS = ['src', 'scripts', 'bin', 'rules', 'schemas', 'action'];

let root = '';
let tarball = '';
let huskyTarball = '';
let env: Record<string, string> = {};

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  extra: Record<string, string> = {},
) {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd,
    env: { ...env, ...extra },
    encoding: 'utf8',
  });
  return {
    code: r.status ?? 1,
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    all: `${r.stdout}${r.stderr}`,
  };
}

function tgz(dir: string): string {
  const found = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (found === undefined) throw new Error(`no tarball in ${dir}`);
  return join(dir, found);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kg-packed-'));
  const home = join(root, 'home');
  mkdirSync(home);
  env = {
    ...isolatedGitEnv(home, (k) => k.startsWith('npm_') || k.startsWith('NPM_')),
    NO_COLOR: '1',
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_cache: join(home, '.npm'),
  };
  // A copy of what `npm pack` builds from, so that the real prepack (build, manifest strip) runs
  // without rewriting the dist/ other test files are using.
  const src = join(root, 'src-copy');
  mkdirSync(src);
  for (const f of SHIPPED) cpSync(join(REPO, f), join(src, f));
  for (const d of FOLDERS) cpSync(join(REPO, d), join(src, d), { recursive: true });
  cpSync(join(REPO, 'action.yml'), join(src, 'action.yml'));
  symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'), 'dir');
  const out = join(root, 'packs');
  mkdirSync(out);
  const pack = run('npm', ['pack', '--pack-destination', out], src);
  expect(pack.code, pack.all).toBe(0);
  tarball = tgz(out);
  // postpack put the repository's own manifest back.
  expect(readFileSync(join(src, 'package.json'), 'utf8')).toBe(
    readFileSync(join(REPO, 'package.json'), 'utf8'),
  );
  const huskyOut = join(root, 'husky-pack');
  mkdirSync(huskyOut);
  const husky = run(
    'npm',
    [
      'pack',
      '--ignore-scripts',
      '--pack-destination',
      huskyOut,
      join(REPO, 'node_modules', 'husky'),
    ],
    root,
  );
  expect(husky.code, husky.all).toBe(0);
  huskyTarball = tgz(huskyOut);
}, 120_000);

afterAll(() => {
  if (root !== '') rmSync(root, { recursive: true, force: true });
});

function emptyProject(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, scripts: { test: 'node -e ""' } }, null, 2)}\n`,
  );
  return dir;
}

describe('the packed package', () => {
  it('ships a manifest without prepare, no runtime dependencies, and the MIT LICENSE', () => {
    const list = run('tar', ['-tzf', tarball], root);
    expect(list.stdout).toMatch(/^package\/LICENSE$/m);
    expect(list.stdout).toMatch(/^package\/action\.yml$/m);
    expect(list.stdout).toMatch(/^package\/action\/main\.mjs$/m);
    expect(list.stdout).not.toMatch(/^package\/scripts\//m);
    const manifest = JSON.parse(
      run('tar', ['-xzOf', tarball, 'package/package.json'], root).stdout,
    );
    expect(manifest.license).toBe('MIT');
    expect(manifest.scripts.prepare).toBeUndefined();
    for (const s of ['preinstall', 'install', 'postinstall'])
      expect(manifest.scripts[s]).toBeUndefined();
    expect(manifest.dependencies).toBeUndefined();
    const license = run('tar', ['-xzOf', tarball, 'package/LICENSE'], root).stdout;
    expect(license).toMatch(/^MIT License/);
  });

  it("the README's and the Action guide's `uses:` lines name real references, not placeholders", () => {
    for (const doc of ['README.md', 'docs/github-action.md']) {
      const uses = [
        ...readFileSync(join(REPO, doc), 'utf8').matchAll(/^\s*(?:- )?uses:\s*(\S+)/gm),
      ].map((m) => m[1] ?? '');
      const ours = uses.filter((u) => u.startsWith('./') || /keyguard/.test(u));
      expect(ours.length, doc).toBeGreaterThan(0);
      for (const u of ours) {
        expect(u, doc).not.toMatch(/[<>]/);
        // ./node_modules/keyguard is the installed package (checked below); ./ is this repository.
        expect(['./', './node_modules/keyguard'], doc).toContain(u);
      }
    }
    expect(existsSync(join(REPO, 'action.yml'))).toBe(true);
  });

  it('installs offline into an empty project with no warning', () => {
    const dir = emptyProject('quiet-install');
    const r = run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);
    expect(r.code, r.all).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.all).not.toMatch(/warn|deprecated|install script/i);
    const version = run('npx', ['keyguard', '--version'], dir);
    expect(version.code, version.all).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
    );
  }, 60_000);

  const node24 = process.env.KEYGUARD_TEST_NODE24;
  it.skipIf(node24 === undefined || !existsSync(node24))(
    'installs with no warning on the Node 24 binary KEYGUARD_TEST_NODE24 names (CI reruns all on 24)',
    () => {
      const node = node24 ?? '';
      const dir = emptyProject('node24');
      const cli = join(run('npm', ['root', '-g'], root).stdout.trim(), 'npm', 'bin', 'npm-cli.js');
      const r = run(node, [cli, 'install', '--no-audit', '--no-fund', tarball], dir);
      expect(r.code, r.all).toBe(0);
      expect(r.all).not.toMatch(/warn/i);
      const bin = join(dir, 'node_modules', 'keyguard', 'bin', 'keyguard.js');
      const v = run(node, [bin, '--version'], dir);
      expect(v.code, v.all).toBe(0);
      expect(run(node, ['--version'], dir).stdout).toMatch(/^v24\./);
    },
    60_000,
  );

  it('husky init, keyguard install: a key is blocked, a clean commit is silent, doctor passes', () => {
    const dir = emptyProject('husky-app');
    expect(run('git', ['init', '-q', '-b', 'main'], dir).code).toBe(0);
    run('git', ['config', 'commit.gpgsign', 'false'], dir);
    const install = run(
      'npm',
      ['install', '--no-audit', '--no-fund', '-D', tarball, huskyTarball],
      dir,
    );
    expect(install.code, install.all).toBe(0);
    expect(install.all).not.toMatch(/warn/i);
    const init = run('npx', ['husky', 'init'], dir);
    expect(init.code, init.all).toBe(0);
    expect(readFileSync(join(dir, '.husky', 'pre-commit'), 'utf8')).toBe('npm test\n');
    const kg = run('npx', ['keyguard', 'install'], dir);
    expect(kg.code, kg.all).toBe(0);
    expect(readFileSync(join(dir, '.husky', 'pre-commit'), 'utf8')).toBe(
      'keyguard-pre-commit\nnpm test\n',
    );
    writeFileSync(join(dir, '.gitignore'), 'node_modules\n');

    writeFileSync(join(dir, 'deploy.ini'), credentialsFile(fakeCredentials(7201)));
    run('git', ['add', 'deploy.ini'], dir);
    const blocked = run('git', ['commit', '-m', 'leak'], dir);
    expect(blocked.code).not.toBe(0);
    expect(blocked.all).toMatch(/deploy\.ini:2/);
    expect(blocked.all).toMatch(/commit blocked/);
    expect(blocked.all).not.toContain(fakeCredentials(7201).secret);

    run('git', ['rm', '-q', '--cached', 'deploy.ini'], dir);
    rmSync(join(dir, 'deploy.ini'));
    run('git', ['add', '-A'], dir);
    const clean = run('git', ['commit', '-q', '-m', 'clean'], dir);
    expect(clean.code, clean.all).toBe(0);
    // npm test prints its own header; keyguard adds nothing.
    expect(clean.all).not.toMatch(/keyguard|AWS/);
    // With only the gate in the hook, the commit is silent.
    writeFileSync(join(dir, '.husky', 'pre-commit'), 'keyguard-pre-commit\n');
    writeFileSync(join(dir, 'notes.md'), 'hello\n');
    run('git', ['add', '-A'], dir);
    const silent = run('git', ['commit', '-q', '-m', 'notes'], dir);
    expect(silent.code, silent.all).toBe(0);
    expect(silent.all).toBe('');

    const doctor = run('npx', ['keyguard', 'doctor'], dir);
    expect(doctor.code, doctor.all).toBe(0);
    expect(doctor.stdout).toMatch(/blocked by keyguard/);

    // The README's `uses: ./node_modules/keyguard`: the action the package ships runs as the
    // runner would start it (runs.main of its action.yml), and fails on a committed key.
    const pkg = join(dir, 'node_modules', 'keyguard');
    const main = /^\s+main:\s*(\S+)\s*$/m.exec(readFileSync(join(pkg, 'action.yml'), 'utf8'))?.[1];
    expect(main).toBe('action/main.mjs');
    writeFileSync(join(dir, 'deploy.ini'), credentialsFile(fakeCredentials(7202)));
    run('git', ['add', 'deploy.ini'], dir);
    expect(run('git', ['commit', '-q', '--no-verify', '-m', 'leak'], dir).code).toBe(0);
    const runner = mkdtempSync(join(root, 'runner-'));
    writeFileSync(join(runner, 'event.json'), '{}');
    writeFileSync(join(runner, 'output'), '');
    const action = run(process.execPath, [join(pkg, main ?? '')], dir, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_EVENT_PATH: join(runner, 'event.json'),
      GITHUB_OUTPUT: join(runner, 'output'),
      GITHUB_WORKSPACE: dir,
    });
    expect(action.code, action.all).toBe(1);
    expect(readFileSync(join(runner, 'output'), 'utf8')).toMatch(/^findings=1$/m);
  }, 120_000);
});
