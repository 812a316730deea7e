import { KeyguardError } from '../model/errors.js';
import type { GitUse } from './git-command.js';
import { spawnGit } from './spawn-git.js';

export interface GitResult {
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly code: number;
}

const STDERR_TAIL_LINES = 20;

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n');
}

export interface RunGitOptions {
  readonly input?: Buffer | string;
  /** Only `keyguard doctor` passes an environment (its scratch repository); scans inherit. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What the process is for (see GitUse); a scan unless said otherwise. */
  readonly use?: GitUse;
  /**
   * Receives standard output as it arrives instead of collecting it (`stdout` is then empty): for
   * output as large as the repository's content, which must not be held whole.
   */
  readonly onStdout?: (piece: Buffer) => void;
  /** Extra `-c` settings (see SpawnGitOptions.settings). */
  readonly settings?: readonly string[];
}

/**
 * Runs git to completion and collects its output. The environment is inherited untouched unless
 * `env` is given: in a hook, GIT_DIR and GIT_INDEX_FILE (a temporary index for `commit -a`) must
 * reach git.
 */
export function runGit(
  args: readonly string[],
  cwd: string,
  options: RunGitOptions = {},
): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnGit(options.use ?? 'scan', args, {
      cwd,
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.settings === undefined ? {} : { settings: options.settings }),
    });
    const out: Buffer[] = [];
    let err = '';
    const onStdout = options.onStdout;
    child.stdout.on('data', (d: Buffer) => {
      if (onStdout === undefined) out.push(d);
      else onStdout(d);
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString('utf8');
    });
    child.on('error', (error) => {
      reject(new KeyguardError('GIT_FAILED', `cannot run git: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      resolvePromise({ stdout: Buffer.concat(out), stderr: err, code: code ?? 1 });
    });
    child.stdin.on('error', () => {
      // git may exit before reading all input; its exit status says what happened.
    });
    child.stdin.end(options.input);
  });
}

/** Like runGit, but a non-zero exit is a GIT_FAILED error naming the command and stderr's tail. */
export async function runGitChecked(
  args: readonly string[],
  cwd: string,
  options: RunGitOptions = {},
): Promise<Buffer> {
  const result = await runGit(args, cwd, options);
  if (result.code !== 0) {
    throw new KeyguardError(
      'GIT_FAILED',
      `git ${args.join(' ')} failed (exit ${result.code}): ${tail(result.stderr).split('\n')[0] ?? ''}`,
      {
        details: tail(result.stderr).split('\n').slice(1),
      },
    );
  }
  return result.stdout;
}

/** Splits NUL-terminated git output (`-z`) into strings. */
export function splitNul(buf: Buffer): string[] {
  const text = buf.toString('utf8');
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}
