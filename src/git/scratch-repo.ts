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

/** A bare repository for `keyguard doctor` to push to (no hooks of its own run in it). */
export async function initBareScratchRepo(dir: string, env: Env): Promise<void> {
  await runGitChecked(['init', '-q', '--bare', dir], dir, { env, use: 'scratch' });
}

/** Stages every file and commits WITHOUT the hooks (the pre-push test must reach the push). */
export async function commitSkippingHooks(dir: string, message: string, env: Env): Promise<void> {
  await runGitChecked(['add', '-A'], dir, { env, use: 'scratch' });
  await runGitChecked(['commit', '-q', '--no-verify', '-m', message], dir, { env, use: 'scratch' });
}

/** Pushes HEAD to `remote` (a local bare repository) through the hooks, returning git's result. */
export async function pushInScratchRepo(dir: string, remote: string, env: Env): Promise<GitResult> {
  return runGit(['push', '-q', '--end-of-options', remote, 'HEAD:refs/heads/main'], dir, {
    env,
    use: 'scratch',
  });
}
