import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { type GitUse, gitCommand } from './git-command.js';

export interface SpawnGitOptions {
  readonly cwd: string;
  /** Replaces the inherited environment (only `keyguard doctor`'s scratch repository needs it). */
  readonly env?: Readonly<Record<string, string | undefined>>;
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
  const command = gitCommand(use, args, options.env);
  return spawn('git', command.args, {
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(command.env === undefined ? {} : { env: command.env }),
  });
}
