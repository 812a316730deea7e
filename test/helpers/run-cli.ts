import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../bin/keyguard.js');
const DIST = resolve(import.meta.dirname, '../../dist');

/** End-to-end tests run the built CLI: say so plainly when there is none. */
export function assertBuilt(): void {
  for (const file of ['cli.js', 'staged.cjs', 'staged-scan.cjs', 'worker.js']) {
    if (!existsSync(resolve(DIST, file))) {
      throw new Error(`build the CLI first (dist/${file} is missing): npm run build`);
    }
  }
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (npm run build first) as a user would, with the same Node as the tests. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined> } = {},
): CliResult {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    FORCE_COLOR: undefined,
    // No user-level configuration of whoever runs the tests: a folder that does not exist.
    XDG_CONFIG_HOME: join(tmpdir(), 'keyguard-tests-no-user-config'),
    ...options.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    input: options.input ?? '',
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder removed after the test. */
export function tempDir(prefix = 'keyguard-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}
