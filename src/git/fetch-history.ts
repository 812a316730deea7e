import { gitErrorLine } from './git-error-line.js';
import { revisionArgs } from './revision-args.js';
import { runGit } from './run-git.js';

/**
 * The git questions and fetches a pull-request check needs to make sure the history it is asked
 * to scan is really there (CI checkouts are shallow by default). Every function takes the work
 * tree it runs in; none throws on a git failure: callers decide what a missing commit means.
 */
export interface GitHistory {
  isShallow(): Promise<boolean>;
  /** Whether `sha` names a commit present locally. */
  hasCommit(sha: string): Promise<boolean>;
  /** Whether the ref exists locally (`refs/remotes/origin/main`). */
  hasRef(ref: string): Promise<boolean>;
  /** The merge base of two commits, or undefined when none is reachable locally. */
  mergeBase(a: string, b: string): Promise<string | undefined>;
  /** `git fetch --no-tags <remote> <refspecs…>` plus options; true when git succeeded. */
  fetch(remote: string, refspecs: readonly string[], options?: FetchOptions): Promise<FetchResult>;
  /** How many commits `revisions` select, or undefined when git cannot resolve them. */
  countCommits(revisions: readonly string[]): Promise<number | undefined>;
}

export interface FetchOptions {
  /** `--deepen=<n>`: n more commits of history beyond the current shallow boundary. */
  readonly deepen?: number;
  /** `--unshallow`: the complete history (ignored when the repository is not shallow). */
  readonly unshallow?: boolean;
}

export interface FetchResult {
  readonly ok: boolean;
  /** git's first error line when it failed. */
  readonly error?: string;
}

export function gitHistory(cwd: string): GitHistory {
  return {
    async isShallow() {
      const r = await runGit(['rev-parse', '--is-shallow-repository'], cwd);
      return r.code === 0 && r.stdout.toString('utf8').trim() === 'true';
    },
    async hasCommit(sha) {
      // Revisions may come from an event or an input: never read as options (--end-of-options).
      const r = await runGit(['cat-file', '-e', '--end-of-options', `${sha}^{commit}`], cwd);
      return r.code === 0;
    },
    async hasRef(ref) {
      const r = await runGit(['show-ref', '--verify', '--quiet', '--end-of-options', ref], cwd);
      return r.code === 0;
    },
    async mergeBase(a, b) {
      const r = await runGit(['merge-base', '--end-of-options', a, b], cwd);
      const out = r.stdout.toString('utf8').trim();
      return r.code === 0 && out !== '' ? out : undefined;
    },
    async fetch(remote, refspecs, options = {}) {
      const args = ['fetch', '--no-tags', '--quiet'];
      if (options.deepen !== undefined) args.push(`--deepen=${options.deepen}`);
      if (options.unshallow === true && (await this.isShallow())) args.push('--unshallow');
      // The remote and refspecs come from the event payload: never options.
      const r = await runGit([...args, '--end-of-options', remote, ...refspecs], cwd, {
        use: 'fetch',
      });
      return r.code === 0 ? { ok: true } : { ok: false, error: gitErrorLine(r.stderr) };
    },
    async countCommits(revisions) {
      const r = await runGit(['rev-list', '--count', ...revisionArgs(revisions), '--'], cwd);
      if (r.code !== 0) return undefined;
      return Number(r.stdout.toString('utf8').trim());
    },
  };
}
