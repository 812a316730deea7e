import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach } from 'vitest';
import { createRandom, fakeKeyId, fakeSecret } from '../../src/rules/expand-placeholders.js';

/** The built CLI (run `npm run build` first). */
export const CLI = resolve(import.meta.dirname, '../../bin/keyguard.js');
export const PRE_COMMIT = resolve(import.meta.dirname, '../../bin/keyguard-pre-commit');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FakeCredentials {
  readonly keyId: string;
  readonly secret: string;
}

/** A fake key pair generated at test time: no key-shaped literal lives in the repository. */
export function fakeCredentials(seed: number): FakeCredentials {
  const random = createRandom(seed);
  return { keyId: fakeKeyId(random, 'AKIA'), secret: fakeSecret(random) };
}

/** A credentials-file body for a fake pair. */
export function credentialsFile(c: FakeCredentials): string {
  return `[default]\naws_access_key_id = ${c.keyId}\naws_secret_access_key = ${c.secret}\n`;
}

export interface TempRepo {
  readonly dir: string;
  /** Environment for every git and keyguard process (machine-independent, keyguard on PATH). */
  readonly env: Record<string, string>;
  git(...args: string[]): string;
  /** Runs git without throwing. */
  tryGit(...args: string[]): RunResult;
  write(path: string, text: string | Buffer): void;
  /** Stages everything and commits, bypassing hooks (history set-up). */
  commitAll(message: string): string;
  /**
   * Makes committed `path` conflict: changed on a new branch `side`, changed otherwise on the
   * current branch, then merged (which fails, leaving stages 1, 2 and 3 in the index).
   */
  conflict(path: string): void;
  keyguard(args: readonly string[], cwd?: string): RunResult;
  cleanup(): void;
}

let clock = 1_700_000_000;

/**
 * The environment every test git process sees: the machine's variables minus anything git,
 * husky or keyguard would read (and whatever `drop` names), a private HOME, a fixed identity.
 */
export function isolatedGitEnv(
  home: string,
  drop: (key: string) => boolean = () => false,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v === undefined ||
      k.startsWith('GIT_') ||
      k === 'HUSKY' ||
      k.startsWith('KEYGUARD_') ||
      drop(k)
    )
      continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.invalid',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.invalid',
  };
}

/** Every process the tests start sees only this environment: no machine config, keyguard on PATH. */
function baseEnv(home: string, bin: string): Record<string, string> {
  return { ...isolatedGitEnv(home), NO_COLOR: '1', PATH: `${bin}:${process.env.PATH ?? ''}` };
}

/** A fresh repository in a temp folder, with a `keyguard` shim on PATH that runs the built CLI. */
export function createRepo(options: { init?: boolean } = {}): TempRepo {
  const root = mkdtempSync(join(tmpdir(), 'kg-git-'));
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  const dir = join(root, 'repo');
  mkdirSync(home);
  mkdirSync(bin);
  mkdirSync(dir);
  writeFileSync(join(bin, 'keyguard'), `#!/bin/sh\nexec node "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'keyguard'), 0o755);
  // As npm links it: the pre-commit prefilter beside the `keyguard` it falls through to.
  symlinkSync(PRE_COMMIT, join(bin, 'keyguard-pre-commit'));
  const env = baseEnv(home, bin);
  const tick = () => {
    clock += 60;
    const date = `${clock} +0000`;
    env.GIT_AUTHOR_DATE = date;
    env.GIT_COMMITTER_DATE = date;
  };
  const tryGit = (...args: string[]): RunResult => {
    tick();
    const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
  const git = (...args: string[]): string => {
    tick();
    return execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  };
  if (options.init !== false) {
    git('init', '-q', '-b', 'main');
    git('config', 'commit.gpgsign', 'false');
  }
  const write = (path: string, text: string | Buffer): void => {
    const abs = join(dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  const commitAll = (message: string): string => {
    git('add', '-A');
    git('commit', '-q', '--no-verify', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD').trim();
  };
  return {
    dir,
    env,
    git,
    tryGit,
    write,
    commitAll,
    conflict(path) {
      const here = git('symbolic-ref', '--short', 'HEAD').trim();
      git('checkout', '-q', '-b', 'side');
      write(path, 'side\n');
      commitAll('side');
      git('checkout', '-q', here);
      write(path, `${here}\n`);
      commitAll(here);
      if (tryGit('merge', '-q', 'side').code === 0) throw new Error(`${path}: merged cleanly`);
    },
    keyguard(args, cwd = dir) {
      const r = spawnSync('node', [CLI, ...args], { cwd, env, encoding: 'utf8' });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A factory of temporary repositories, each removed after the test that made it. */
export function useTempRepos(options: { init?: boolean } = {}): () => TempRepo {
  const made: TempRepo[] = [];
  afterEach(() => {
    for (const r of made.splice(0)) r.cleanup();
  });
  return () => {
    const r = createRepo(options);
    made.push(r);
    return r;
  };
}

/**
 * Writes a commit object exactly as given after its tree and parent lines (git's own commit
 * command refuses extra headers and NULs; `hash-object --literally` stores what a hostile push
 * could), and moves the current branch to it. Returns its id.
 */
export function literalCommit(r: TempRepo, rest: string | Buffer): string {
  const tree = r.git('write-tree').trim();
  const parent = r.git('rev-parse', 'HEAD').trim();
  const input = Buffer.concat([Buffer.from(`tree ${tree}\nparent ${parent}\n`), Buffer.from(rest)]);
  const made = spawnSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin', '--literally'], {
    cwd: r.dir,
    env: r.env,
    input,
  });
  if (made.status !== 0) throw new Error(String(made.stderr));
  const sha = String(made.stdout).trim();
  r.git('update-ref', 'HEAD', sha);
  return sha;
}
