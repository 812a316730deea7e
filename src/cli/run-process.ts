import { existsSync, fstatSync } from 'node:fs';
import process from 'node:process';
import { isatty } from 'node:tty';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { setGitEnvironment } from '../git/git-command.js';
import { killRunningGit } from '../git/spawn-git.js';
import { isKeyguardError } from '../model/errors.js';
import { shownName } from '../model/shown-name.js';
import { describeWriteError } from '../report/describe-write-error.js';
import { escapeControl } from '../report/escape-control.js';
import type { CommandIo } from './command-io.js';

/** dist/worker.js beside the bundled entry; absent when running from sources (tests). */
function workerScript(): { workerScript?: string } {
  const path = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(path) ? { workerScript: path } : {};
}

/** Cleanups to run if the process is interrupted before the command removes what it made. */
const cleanups = new Set<() => void>();
let trapped = false;

/** Exit codes of a process ended by a signal, as a shell would report it. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function onInterrupt(cleanup: () => void): () => void {
  if (!trapped) {
    trapped = true;
    for (const signal of Object.keys(SIGNAL_EXIT)) {
      process.once(signal, () => {
        // A clone still running would go on writing into the folder being removed.
        killRunningGit();
        for (const c of cleanups) {
          try {
            c();
          } catch {
            // Best effort: every cleanup gets its turn.
          }
        }
        process.stderr.write(`keyguard: interrupted (${signal}); temporary files removed\n`);
        process.exit(SIGNAL_EXIT[signal] ?? 130);
      });
    }
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Standard output: open; `quit`, a pipe whose reader closed it (`keyguard tree | head`); `failed`,
 * any other write error (a full disk, /dev/full, a socket or connection that closed).
 */
let stdoutState: 'open' | 'quit' | 'failed' = 'open';

/** Standard output is a pipe (not a socket, file or terminal). */
function stdoutIsPipe(): boolean {
  try {
    return fstatSync(1).isFIFO();
  } catch {
    return false;
  }
}

/** The command's view of this process: its arguments after the command name, cwd, env, streams. */
export function processIo(argv: readonly string[]): CommandIo {
  return {
    argv,
    cwd: process.cwd(),
    env: process.env,
    stdout: {
      // Once the reader has quit or a write failed, the rest of the report goes nowhere.
      write: (t) => void (stdoutState === 'open' && process.stdout.write(t)),
      isTTY: process.stdout.isTTY === true,
    },
    stderr: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    // isatty(0), not process.stdin.isTTY: asking must not create the stream.
    stdinIsTTY: isatty(0),
    // Touched only when read: creating process.stdin has side effects on a terminal.
    stdin: {
      [Symbol.asyncIterator]: () =>
        (process.stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator](),
    },
    today: new Date().toISOString().slice(0, 10),
    version: pkg.version,
    onInterrupt,
    ...workerScript(),
  };
}

/**
 * Runs an entry to its exit code. A user mistake (KeyguardError) is one line and exit 2; anything
 * else is a bug, reported with its stack, and still exit 2: nothing is trusted after an error.
 */
export function runProcess(main: () => Promise<number>): void {
  setGitEnvironment(process.env);
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (stdoutState !== 'open') return;
    // A reader that quit (`keyguard tree | head`, a pipe closed before anything was read) chose
    // not to read the rest: no message, and the exit code is still the scan's verdict (1 with
    // findings, 2 incomplete), set when the command ends. Exiting here instead would end the run
    // before its verdict is known: with a key found, exit 0.
    if (error.code === 'EPIPE' && stdoutIsPipe()) {
      stdoutState = 'quit';
      return;
    }
    // Anything else (a full disk, /dev/full, a socket whose peer closed) lost part of the report.
    stdoutState = 'failed';
    process.stderr.write(
      `keyguard: cannot write the report to standard output: ${describeWriteError(error)}\n`,
    );
    process.exitCode = 2;
  });
  process.stderr.on('error', () => {
    // Messages are lost, but the report and the exit code are not: no crash over it.
  });
  main().then(
    (code) => {
      process.exitCode = stdoutState === 'failed' ? 2 : code;
    },
    (error: unknown) => {
      if (isKeyguardError(error)) {
        // Messages can quote what was scanned or configured (a path, a ref, a rule pack's
        // text): names are shown masked, as every report shows them.
        process.stderr.write(`keyguard: ${escapeControl(shownName(error.message))}\n`);
        for (const line of error.details)
          process.stderr.write(`  ${escapeControl(shownName(line))}\n`);
      } else {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(
          `keyguard: internal error (please report it):\n${text.split('\n').map(escapeControl).join('\n')}\n`,
        );
      }
      process.exitCode = 2;
    },
  );
}
