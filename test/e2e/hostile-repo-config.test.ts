import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  credentialsFile,
  fakeCredentials,
  type TempRepo,
  useTempRepos,
} from '../helpers/git-repo.js';
import { assertBuilt } from '../helpers/run-cli.js';

// A repository on disk is attacker data: its .git/config and .gitattributes may name programs.
// Every setting below names a script that only leaves a marker file behind; no keyguard command may
// leave one, and the planted key must still be found.

/** Config keys whose value is a program git may run, each pointing at its own marker script. */
const PROGRAMS: readonly [key: string, name: string][] = [
  ['core.fsmonitor', 'fsmonitor'],
  ['core.pager', 'pager'],
  ['pager.log', 'pager-log'],
  ['pager.diff', 'pager-diff'],
  ['pager.ls-files', 'pager-ls-files'],
  ['pager.cat-file', 'pager-cat-file'],
  ['pager.rev-list', 'pager-rev-list'],
  ['diff.external', 'diff-external'],
  ['diff.evil.textconv', 'textconv'],
  ['diff.evil.command', 'diff-command'],
  ['filter.evil.clean', 'filter-clean'],
  ['filter.evil.smudge', 'filter-smudge'],
  ['filter.evil.process', 'filter-process'],
  ['merge.evil.driver', 'merge-driver'],
  ['core.editor', 'editor'],
  ['sequence.editor', 'sequence-editor'],
  ['core.sshCommand', 'ssh-command'],
  ['core.askPass', 'askpass'],
  ['core.gitProxy', 'git-proxy'],
  ['core.alternateRefsCommand', 'alternate-refs'],
  ['gpg.program', 'gpg'],
  ['gpg.openpgp.program', 'gpg-openpgp'],
  ['uploadpack.packObjectsHook', 'pack-objects-hook'],
  ['remote.origin.uploadpack', 'upload-pack'],
];

/** Hooks any git command might run (planted both in .git/hooks and in core.hooksPath). */
const HOOKS = [
  'pre-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'post-checkout',
  'post-index-change',
  'reference-transaction',
  'pre-auto-gc',
  'post-rewrite',
  'fsmonitor-watchman',
  'pre-push',
];

interface Hostile {
  readonly markers: string;
  fired(): string[];
}

/** A marker script: leaves `<markers>/<name>` and exits (never waits on git: filter.process would). */
function markerScript(path: string, markers: string, name: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\ntouch '${join(markers, name)}'\nexit 0\n`);
  chmodSync(path, 0o755);
}

/** Plants every program-running setting in `r` (after its commits: git itself would trip them). */
function plantHostileRepo(r: TempRepo): Hostile {
  const root = dirname(r.dir);
  const markers = join(root, 'markers');
  const bin = join(root, 'evil');
  mkdirSync(markers, { recursive: true });
  for (const [key, name] of PROGRAMS) {
    markerScript(join(bin, name), markers, name);
    r.git('config', key, join(bin, name));
  }
  markerScript(join(bin, 'credential'), markers, 'credential-helper');
  r.git('config', 'credential.helper', `!${join(bin, 'credential')}`);
  markerScript(join(bin, 'alias'), markers, 'alias');
  for (const cmd of ['log', 'diff', 'ls-files', 'cat-file', 'rev-parse', 'rev-list']) {
    r.git('config', `alias.${cmd}`, `!${join(bin, 'alias')}`);
  }
  r.git('config', 'log.showSignature', 'true');
  r.git('config', 'diff.evil.binary', 'false');
  r.git('config', 'filter.evil.required', 'true');
  r.git('config', 'protocol.allow', 'always');
  r.git('config', 'protocol.ext.allow', 'always');
  const hooksPath = join(root, 'evil-hooks');
  for (const hook of HOOKS) {
    markerScript(join(hooksPath, hook), markers, `hooksPath-${hook}`);
    markerScript(join(r.dir, '.git', 'hooks', hook), markers, `dotgit-hook-${hook}`);
  }
  r.git('config', 'core.hooksPath', hooksPath);
  // Every file goes through the hostile drivers.
  r.write('.gitattributes', '* diff=evil filter=evil merge=evil\n');
  r.write('.git/info/attributes', '* diff=evil filter=evil merge=evil\n');
  return {
    markers,
    fired: () => readdirSync(markers).sort(),
  };
}

/** Git's own plumbing, with none of the hostile settings (sets the stage without tripping them). */
function plainGit(r: TempRepo, ...args: string[]): string {
  const r2 = spawnSync(
    'git',
    [
      '-c',
      'core.hooksPath=/dev/null',
      '-c',
      'core.fsmonitor=false',
      '-c',
      'log.showSignature=false',
      ...args,
    ],
    { cwd: r.dir, env: { ...r.env, GIT_ATTR_NOSYSTEM: '1' }, encoding: 'utf8' },
  );
  if (r2.status !== 0) throw new Error(`git ${args.join(' ')}: ${r2.stderr}`);
  return r2.stdout;
}

/**
 * Rewrites HEAD as a commit carrying an (unverifiable) PGP signature header, so that
 * `log.showSignature` would make `git log` run gpg.program on it.
 */
function signHead(r: TempRepo): void {
  const body = plainGit(r, 'cat-file', 'commit', 'HEAD');
  const cut = body.indexOf('\n\n');
  const signed = `${body.slice(0, cut)}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----${body.slice(cut)}`;
  const r2 = spawnSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], {
    cwd: r.dir,
    env: r.env,
    input: signed,
    encoding: 'utf8',
  });
  plainGit(r, 'update-ref', 'HEAD', r2.stdout.trim());
}

function emptyMarkers(h: Hostile): void {
  rmSync(h.markers, { recursive: true, force: true });
  mkdirSync(h.markers);
}

interface JsonReport {
  findings: { path: string; ruleId: string }[];
}

function findingPaths(stdout: string): string[] {
  return (JSON.parse(stdout) as JsonReport).findings.map((f) => f.path);
}

/** A repository with a key in its history, a key staged, an untracked file, then made hostile. */
function hostileWithKeys(r: TempRepo, seed: number): Hostile {
  r.write('README.md', 'docs\n');
  r.commitAll('init');
  r.write('deploy/credentials', credentialsFile(fakeCredentials(seed)));
  r.commitAll('leak');
  r.write('staged/creds.ini', credentialsFile(fakeCredentials(seed + 1)));
  r.git('add', 'staged/creds.ini');
  r.write('untracked.txt', 'untracked\n');
  const h = plantHostileRepo(r);
  signHead(r);
  emptyMarkers(h);
  return h;
}

function run(r: TempRepo, args: readonly string[], input?: string) {
  const res = spawnSync('node', [CLI, ...args], {
    cwd: r.dir,
    env: r.env,
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
    timeout: 60_000,
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

const repo = useTempRepos();

beforeAll(() => {
  assertBuilt();
});

describe('a hostile repository cannot make keyguard run its programs', () => {
  it('plants settings that are live: plain git runs them', () => {
    const r = repo();
    const h = hostileWithKeys(r, 70);
    // The process filter fails git's handshake and stops most commands; the probes after the
    // first two switch it off to reach the rest.
    const noProcess = ['-c', 'filter.evil.process=', '-c', 'filter.evil.required=false'];
    const probes: [string[], string][] = [
      [['diff', '--cached', '--quiet'], 'fsmonitor'],
      [['add', 'untracked.txt'], 'filter-process'],
      [['log', '-1', '--format=%H'], 'gpg-openpgp'],
      [[...noProcess, 'show', '--format=', 'HEAD'], 'textconv'],
      [[...noProcess, 'diff', 'HEAD~1', 'HEAD'], 'diff-command'],
      [['update-ref', 'refs/heads/probe', 'HEAD'], 'hooksPath-reference-transaction'],
      [[...noProcess, 'commit', '-q', '--allow-empty', '-m', 'x'], 'hooksPath-pre-commit'],
    ];
    for (const [args, marker] of probes) {
      spawnSync('git', args, { cwd: r.dir, env: r.env, timeout: 20_000 });
      expect(h.fired(), args.join(' ')).toContain(marker);
    }
  });

  it('tree, staged, the pre-commit prefilter, history and stdin find the keys and run nothing', () => {
    const r = repo();
    const h = hostileWithKeys(r, 72);
    const cases: [string, string[], string[], string?][] = [
      ['tree', ['tree', '.', '--format', 'json'], ['deploy/credentials', 'staged/creds.ini']],
      ['staged', ['staged', '--format', 'json'], ['staged/creds.ini']],
      ['history', ['history', '--format', 'json'], ['deploy/credentials']],
      ['stdin', ['stdin', '--format', 'json'], ['<stdin>'], credentialsFile(fakeCredentials(72))],
    ];
    for (const [label, args, paths, input] of cases) {
      const res = run(r, args, input);
      expect(res.code, `${label}: ${res.stderr}`).toBe(1);
      expect(new Set(findingPaths(res.stdout)), label).toEqual(new Set(paths));
      expect(h.fired(), label).toEqual([]);
    }
    // The staged scan's full path (SARIF is not served by the quick one).
    const sarif = run(r, ['staged', '--format', 'sarif']);
    expect(sarif.code, sarif.stderr).toBe(1);
    expect(sarif.stdout).toContain('staged/creds.ini');
    // The shell prefilter runs git itself before handing over to `keyguard staged`.
    const hook = spawnSync('keyguard-pre-commit', [], { cwd: r.dir, env: r.env, encoding: 'utf8' });
    expect(hook.status, hook.stderr).toBe(1);
    expect(h.fired()).toEqual([]);
  });

  it('a partial clone never fetches a missing blob through its promisor remote', () => {
    const r = repo();
    r.write('deploy/credentials', credentialsFile(fakeCredentials(74)));
    r.write('gone.txt', 'this blob will be missing\n');
    r.commitAll('init');
    const gone = r.git('rev-parse', 'HEAD:gone.txt').trim();
    unlinkSync(join(r.dir, '.git', 'objects', gone.slice(0, 2), gone.slice(2)));
    const h = plantHostileRepo(r);
    markerScript(join(dirname(r.dir), 'evil', 'ext'), h.markers, 'ext-transport');
    r.git('config', 'core.repositoryformatversion', '1');
    r.git('config', 'extensions.partialClone', 'origin');
    r.git('config', 'remote.origin.promisor', 'true');
    r.git('config', 'remote.origin.url', `ext::${join(dirname(r.dir), 'evil', 'ext')}`);
    emptyMarkers(h);
    // Plain git would fetch it (and run the ext:: command).
    spawnSync('git', ['cat-file', '--batch'], { cwd: r.dir, env: r.env, input: `${gone}\n` });
    expect(h.fired()).toContain('ext-transport');
    emptyMarkers(h);

    const strict = run(r, ['history', '--format', 'json']);
    expect(strict.code, strict.stderr).toBe(2);
    expect(strict.stderr).toMatch(/missing/);
    const partial = run(r, ['history', '--format', 'json', '--allow-partial']);
    expect(partial.code, partial.stderr).toBe(1);
    expect(findingPaths(partial.stdout)).toEqual(['deploy/credentials']);
    expect(h.fired()).toEqual([]);
  });
});
