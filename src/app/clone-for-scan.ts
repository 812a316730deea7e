import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneRepo } from '../git/clone-repo.js';
import { KeyguardError } from '../model/errors.js';
import { redactUrl } from '../report/redact-url.js';

export interface ClonedRepo {
  /** The clone: a bare repository (history) or a work tree (tree). */
  readonly dir: string;
  /** Removes the temporary folder; safe to call more than once. */
  remove(): void;
}

export interface CloneOptions {
  readonly mode: 'history' | 'tree';
  readonly branch?: string;
  /**
   * Called with the clone's remover before git starts, so that an interrupted clone (Ctrl-C) is
   * removed too; the caller unregisters it once it has removed the clone itself.
   */
  readonly onRemovable?: (remove: () => void) => void;
}

function why(stderr: string): string {
  const line =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .find((l) => /^(fatal|error):/.test(l)) ??
    stderr.trim().split('\n')[0] ??
    '';
  return redactUrl(line.replace(/^(fatal|error): /, ''));
}

/**
 * Clones `location` into a new temporary folder for a scan (see cloneRepo for what is fetched).
 * Credentials come only from git's own credential helpers: git never prompts, and a URL's
 * `user:password@` is never shown (every message, git's included, is redacted). A failed clone
 * leaves nothing behind.
 */
export async function cloneForScan(location: string, options: CloneOptions): Promise<ClonedRepo> {
  const home = mkdtempSync(join(tmpdir(), 'keyguard-clone-'));
  const dir = join(home, options.mode === 'history' ? 'repo.git' : 'repo');
  const remove = () => {
    // Twice: a git process stopped a moment ago may still finish a write in between.
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  };
  options.onRemovable?.(remove);
  let done = false;
  try {
    const r = await cloneRepo(location, dir, home, options.mode, options.branch);
    if (r.code !== 0) {
      const reason = why(r.stderr);
      const auth = /authentication|could not read username|permission denied|403|401/i.test(reason)
        ? ' (keyguard never asks for credentials: set up a git credential helper, see git help credentials, or an SSH key)'
        : '';
      throw new KeyguardError(
        'GIT_FAILED',
        `cannot clone ${redactUrl(location)}: ${reason}${auth}`,
      );
    }
    done = true;
    return { dir, remove };
  } finally {
    if (!done) remove();
  }
}
