/** The outside world as a command sees it; only main.ts builds it from `process`. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface CommandIo {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Standard input, as it arrives. */
  readonly stdin: AsyncIterable<Buffer>;
  /** Standard input is a terminal (interactive commands refuse to prompt without one). */
  readonly stdinIsTTY?: boolean;
  /** Today as YYYY-MM-DD (allowlist expiry). */
  readonly today: string;
  readonly version: string;
  /** The built worker-thread entry (dist/worker.js), when there is one. */
  readonly workerScript?: string;
  /** Arguments the worker entry is given (the hook bundle's loader needs one to run a worker). */
  readonly workerArgv?: readonly string[];
  /**
   * Registers a synchronous cleanup (removing a temporary clone) that also runs when the process
   * is interrupted (Ctrl-C, SIGTERM, SIGHUP); returns a function that unregisters it.
   */
  onInterrupt?(cleanup: () => void): () => void;
}

export type Command = (io: CommandIo) => Promise<number>;
