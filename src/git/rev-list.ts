import { KeyguardError } from '../model/errors.js';
import { gitErrorLine } from './git-error-line.js';
import { revisionArgs } from './revision-args.js';
import { runGit } from './run-git.js';

function ids(out: Buffer): string[] {
  return out
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '');
}

/**
 * `git rev-list <options> <args> -- <pathspecs>`, revision names on standard input. A revision git
 * cannot resolve is an error naming `label` (exit 2), never an empty selection.
 */
async function revList(
  cwd: string,
  options: readonly string[],
  walk: { readonly args: readonly string[]; readonly input: string },
  pathspecs: readonly string[],
  label: string,
): Promise<Buffer> {
  const r = await runGit(
    ['rev-list', ...options, ...revisionArgs(walk.args), '--', ...pathspecs],
    cwd,
    { input: walk.input },
  );
  if (r.code !== 0) {
    throw new KeyguardError(
      'GIT_FAILED',
      `cannot resolve revision range '${label}': ${gitErrorLine(r.stderr)}`,
    );
  }
  return r.stdout;
}

/**
 * The commit ids `git rev-list <args> -- <pathspecs>` (revision names on standard input) selects, newest first. A revision git cannot
 * resolve is an error naming `label` (exit 2), never an empty selection.
 */
export async function listCommits(
  cwd: string,
  walk: { readonly args: readonly string[]; readonly input: string },
  pathspecs: readonly string[],
  label: string,
): Promise<string[]> {
  return ids(await revList(cwd, [], walk, pathspecs, label));
}

/** The commits `git log <args> -- <pathspecs>` walks, in the history walk's order: parents first. */
export async function listParentsFirst(
  cwd: string,
  walk: { readonly args: readonly string[]; readonly input: string },
  pathspecs: readonly string[],
  label: string,
): Promise<string[]> {
  return ids(await revList(cwd, ['--topo-order', '--reverse'], walk, pathspecs, label));
}

/** How many commits `git rev-list <args> -- <pathspecs>` selects (the check that they resolve). */
export async function countSelected(
  cwd: string,
  walk: { readonly args: readonly string[]; readonly input: string },
  pathspecs: readonly string[],
  label: string,
): Promise<number> {
  const out = await revList(cwd, ['--count'], walk, pathspecs, label);
  return Number(out.toString('utf8').trim());
}

/**
 * `commits` (full ids) in an order where every parent comes before its children: git's own
 * topological order of everything they reach, kept to the given commits. The walk covers their
 * ancestors too (commits only, no trees): the price of an exact order for any set.
 */
export async function orderParentsFirst(
  cwd: string,
  commits: ReadonlySet<string>,
): Promise<string[]> {
  if (commits.size === 0) return [];
  const r = await runGit(['rev-list', '--topo-order', '--reverse', '--stdin'], cwd, {
    input: [...commits, ''].join('\n'),
  });
  if (r.code !== 0) {
    throw new KeyguardError('GIT_FAILED', `cannot order commits: ${gitErrorLine(r.stderr)}`);
  }
  const ordered = ids(r.stdout).filter((id) => commits.has(id));
  if (ordered.length !== commits.size) {
    throw new KeyguardError('GIT_FAILED', 'cannot order commits: git listed fewer than asked for');
  }
  return ordered;
}

/** The `n` newest of `commits` by commit date, as `git log -n` would pick them. */
export async function newestCommits(
  cwd: string,
  commits: ReadonlySet<string>,
  n: number,
): Promise<Set<string>> {
  if (commits.size <= n) return new Set(commits);
  const r = await runGit(['rev-list', '--no-walk=sorted', `--max-count=${n}`, '--stdin'], cwd, {
    input: [...commits, ''].join('\n'),
  });
  if (r.code !== 0) {
    throw new KeyguardError(
      'GIT_FAILED',
      `cannot pick the newest commits: ${gitErrorLine(r.stderr)}`,
    );
  }
  return new Set(ids(r.stdout));
}
