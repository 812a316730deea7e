import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { type GitUse, gitCommand } from './git-command.js';

export interface SpawnGitOptions {
  readonly cwd: string;
  /** Replaces the inherited environment (only `keyguard doctor`'s scratch repository needs it). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra `-c` settings for this process (the policy's own come after them and win). */
  readonly settings?: readonly string[];
}

/** git processes still running: an interrupted keyguard stops them before removing their files. */
const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * Stops every git process keyguard started that is still running (on Ctrl-C: a clone would
 * otherwise go on writing into the temporary folder being removed).
 */
export function killRunningGit(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/**
 * Starts git the way `gitCommand` decides for `use`. Every git process keyguard runs starts here
 * (test/git/git-command.test.ts checks that no other file spawns).
 */
export function spawnGit(
  use: GitUse,
  args: readonly string[],
  options: SpawnGitOptions,
): ChildProcessWithoutNullStreams {
  const command = gitCommand(use, args, options.env, options.settings);
  const child = spawn('git', command.args, {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(command.env === undefined ? {} : { env: command.env }),
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}
