import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitHistory } from '../../src/git/fetch-history.js';
import { gitCommand } from '../../src/git/git-command.js';
import { revisionArgs } from '../../src/git/revision-args.js';
import { useTempRepos } from '../helpers/git-repo.js';

const ROOT = resolve(import.meta.dirname, '../..');
const repo = useTempRepos();

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('gitCommand', () => {
  it('is the only way git is started: no other source file spawns a process', () => {
    const spawning = files(join(ROOT, 'src'))
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /from 'node:child_process'/.test(readFileSync(f, 'utf8')))
      .filter(
        (f) => !/import type \{[^}]*\} from 'node:child_process'/.test(readFileSync(f, 'utf8')),
      )
      .map((f) => relative(ROOT, f));
    expect(spawning).toEqual(['src/git/spawn-git.ts']);
  });

  it('gives the shell prefilter the same settings and environment as a scan', () => {
    const script = readFileSync(join(ROOT, 'bin', 'keyguard-pre-commit'), 'utf8');
    const body = /safe_git\(\) \{\n([\s\S]*?)\n\}/.exec(script)?.[1]?.replace(/\\\n/g, ' ');
    const words = (body ?? '').trim().split(/\s+/);
    const envWords = words.slice(0, words.indexOf('git'));
    const argWords = words.slice(words.indexOf('git') + 1, words.indexOf('"$@"'));
    const scan = gitCommand('scan', ['rev-parse'], { PATH: '/bin' });
    expect(argWords).toEqual(scan.args.slice(0, -1));
    const added = Object.entries(scan.env ?? {}).filter(([k]) => k !== 'PATH');
    expect(envWords).toEqual(added.map(([k, v]) => `${k}=${v}`));
  });

  it('switches off what the repository could run, on every use', () => {
    for (const [use, args] of [
      ['scan', ['log']],
      ['hooks-path', ['rev-parse']],
      ['fetch', ['fetch']],
      ['scratch', ['commit']],
    ] as const) {
      const { args: argv } = gitCommand(use, args);
      expect(argv[0]).toBe('--no-pager');
      expect(argv).toContain('core.fsmonitor=false');
      expect(argv).toContain('log.showSignature=false');
    }
    expect(gitCommand('scan', ['log']).args).toEqual(
      expect.arrayContaining([
        'core.hooksPath=/dev/null',
        'protocol.https.allow=never',
        'protocol.ext.allow=never',
        '--no-ext-diff',
        '--no-textconv',
        '--no-show-signature',
      ]),
    );
    expect(gitCommand('hooks-path', ['rev-parse']).args).not.toContain('core.hooksPath=/dev/null');
    const fetch = gitCommand('fetch', ['fetch', 'origin']).args;
    expect(fetch).toEqual(
      expect.arrayContaining([
        'core.hooksPath=/dev/null',
        'protocol.ext.allow=never',
        '--upload-pack=git-upload-pack',
        '--no-recurse-submodules',
      ]),
    );
    expect(fetch).not.toContain('protocol.https.allow=never');
    // The caller's environment is kept whole (a hook's GIT_INDEX_FILE, a quarantine's objects).
    const env = {
      GIT_DIR: '/r/.git',
      GIT_INDEX_FILE: '/r/.git/next-index',
      GIT_QUARANTINE_PATH: '/r/.git/objects/incoming',
    };
    expect(gitCommand('scan', ['cat-file', '--batch'], env).env).toMatchObject({
      ...env,
      GIT_NO_LAZY_FETCH: '1',
    });
  });

  it('buffers the output of what is read to the end, never of what answers requests', () => {
    const env = { PATH: '/bin', GIT_FLUSH: '1' };
    expect(gitCommand('scan', ['log', '--raw'], env).env?.GIT_FLUSH).toBe('0');
    expect(gitCommand('scan', ['rev-list', '--all'], env).env?.GIT_FLUSH).toBe('0');
    // cat-file --batch answers id by id: its own flushes are left as the environment has them.
    expect(gitCommand('scan', ['cat-file', '--batch'], env).env?.GIT_FLUSH).toBe('1');
    expect(gitCommand('scan', ['cat-file', '--batch'], { PATH: '/bin' }).env).not.toHaveProperty(
      'GIT_FLUSH',
    );
  });

  it('refuses, in a scan, subcommands and flags that would run filters or merge drivers', () => {
    expect(() => gitCommand('scan', ['add', '-A'])).toThrow(/not known to be read-only/);
    expect(() => gitCommand('scan', ['diff', 'HEAD'])).toThrow(/only --cached/);
    expect(() => gitCommand('scan', ['cat-file', '--filters', 'HEAD:a'])).toThrow(/--filters/);
    expect(() => gitCommand('scan', ['ls-files', '-m'])).toThrow(/-m/);
    expect(() => gitCommand('scan', ['fetch', 'origin'])).toThrow();
    expect(() => gitCommand('fetch', ['log'])).toThrow(/only fetch/);
    expect(() => gitCommand('hooks-path', ['log'])).toThrow(/only questions/);
  });
});

describe('revisionArgs', () => {
  it('passes revisions and the options revision lists use', () => {
    const ok = [
      'main..feature',
      'HEAD~3',
      '--all',
      '--not',
      '--remotes=origin',
      '--remotes',
      '--glob=refs/remotes/origin/*',
      '--since=2024-01-01',
      '--end-of-options',
      '-looks-like-an-option',
    ];
    expect(revisionArgs(ok)).toEqual(ok);
  });

  it('refuses anything else that starts with a dash', () => {
    for (const bad of ['--output=/tmp/x', '-p', '--exec=x', '-', '--all=x', '--no-walk']) {
      expect(() => revisionArgs(['main', bad]), bad).toThrow(/never starts with '-'/);
    }
  });
});

describe('the Action fetch under a hostile repository config', () => {
  it('fetches through the remote while hooks, ext:: and alternate-refs commands stay off', async () => {
    const upstream = repo();
    upstream.write('a.txt', 'one\n');
    upstream.commitAll('one');
    upstream.write('a.txt', 'two\n');
    const tip = upstream.commitAll('two');

    const r = repo();
    const markers = join(dirname(r.dir), 'markers');
    mkdirSync(markers);
    const script = (name: string): string => {
      const path = join(dirname(r.dir), 'evil', name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `#!/bin/sh\ntouch '${join(markers, name)}'\nexit 0\n`);
      chmodSync(path, 0o755);
      return path;
    };
    r.git('remote', 'add', 'origin', upstream.dir);
    // Objects borrowed from upstream: the alternate-refs command would run on fetch.
    mkdirSync(join(r.dir, '.git', 'objects', 'info'), { recursive: true });
    writeFileSync(
      join(r.dir, '.git', 'objects', 'info', 'alternates'),
      `${join(upstream.dir, '.git', 'objects')}\n`,
    );
    r.git('config', 'core.alternateRefsCommand', script('alternate-refs'));
    r.git('config', 'core.fsmonitor', script('fsmonitor'));
    r.git('config', 'remote.origin.uploadpack', script('upload-pack'));
    r.git('config', 'remote.evil.url', `ext::${script('ext')}`);
    r.git('config', 'protocol.ext.allow', 'always');
    const hooks = join(dirname(r.dir), 'hooks');
    mkdirSync(hooks);
    for (const hook of ['reference-transaction', 'pre-auto-gc', 'post-index-change']) {
      writeFileSync(join(hooks, hook), `#!/bin/sh\ntouch '${join(markers, hook)}'\n`);
      chmodSync(join(hooks, hook), 0o755);
    }
    r.git('config', 'core.hooksPath', hooks);
    r.git('config', 'gc.auto', '1');

    const git = gitHistory(r.dir);
    const fetched = await git.fetch('origin', [`+refs/heads/main:refs/remotes/origin/main`]);
    expect(fetched).toEqual({ ok: true });
    expect(await git.hasCommit(tip)).toBe(true);
    const evil = await git.fetch('evil', ['main']);
    expect(evil.ok).toBe(false);
    expect(readdirSync(markers)).toEqual([]);
    // Payload values never become options.
    await expect(git.fetch('--upload-pack=x', ['main'])).resolves.toMatchObject({ ok: false });
    await expect(git.countCommits(['--output=x'])).rejects.toThrow(/never starts with '-'/);
    expect(await git.hasCommit('--all')).toBe(false);
    expect(readdirSync(markers)).toEqual([]);
  });
});
