import { isAbsolute, resolve } from 'node:path';
import { KeyguardError } from '../model/errors.js';
import { runGit } from './run-git.js';

/** Where git looks for hooks (core.hooksPath honoured), absolute. */
export async function resolveHooksDir(top: string): Promise<string> {
  const r = await runGit(['rev-parse', '--git-path', 'hooks'], top, { use: 'hooks-path' });
  if (r.code !== 0) {
    throw new KeyguardError('GIT_FAILED', `cannot find the hooks folder of ${top}`);
  }
  const dir = r.stdout.toString('utf8').trim();
  return isAbsolute(dir) ? dir : resolve(top, dir);
}

/** A single config value, or undefined when unset. */
export async function readGitConfig(cwd: string, key: string): Promise<string | undefined> {
  const r = await runGit(['config', '--get', '--end-of-options', key], cwd, { use: 'hooks-path' });
  if (r.code !== 0) return undefined;
  return r.stdout.toString('utf8').trim();
}

/** The repository's common git directory (shared by every worktree), absolute. */
export async function resolveGitCommonDir(top: string): Promise<string> {
  const r = await runGit(['rev-parse', '--git-common-dir'], top, { use: 'hooks-path' });
  if (r.code !== 0) {
    throw new KeyguardError('GIT_FAILED', `cannot find the git directory of ${top}`);
  }
  const dir = r.stdout.toString('utf8').trim();
  return isAbsolute(dir) ? dir : resolve(top, dir);
}
