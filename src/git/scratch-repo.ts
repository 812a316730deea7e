import { type GitResult, runGit, runGitChecked } from './run-git.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A throwaway repository for `keyguard doctor`: initialised with a local identity and no signing
 * so the user's global settings cannot make a test commit fail for reasons of their own.
 */
export async function initScratchRepo(dir: string, hooksDir: string, env: Env): Promise<void> {
  await runGitChecked(['init', '-q', dir], dir, { env, use: 'scratch' });
  const set = (key: string, value: string) =>
    runGitChecked(['config', key, value], dir, { env, use: 'scratch' });
  await set('user.name', 'keyguard doctor');
  await set('user.email', 'doctor@keyguard.invalid');
  await set('commit.gpgsign', 'false');
  await set('core.hooksPath', hooksDir);
}

/** Stages every file and commits through the hooks, returning git's status and combined output. */
export async function commitInScratchRepo(
  dir: string,
  message: string,
  env: Env,
): Promise<GitResult> {
  await runGitChecked(['add', '-A'], dir, { env, use: 'scratch' });
  return runGit(['commit', '-q', '-m', message], dir, { env, use: 'scratch' });
}
