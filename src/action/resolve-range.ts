import type { GitHistory } from '../git/fetch-history.js';
import { KeyguardError } from '../model/errors.js';
import type { ScanRequest } from './scan-request.js';

/** What will actually be scanned, after making sure the history is present. */
export type ResolvedTarget =
  | { readonly kind: 'tree' }
  | { readonly kind: 'nothing'; readonly reason: string }
  | {
      readonly kind: 'history';
      /** `git rev-list` arguments selecting the commits to scan (revisions after --end-of-options). */
      readonly revisions: readonly string[];
      readonly commits: number;
      /** Human wording of the range, for logs and the summary. */
      readonly description: string;
      /** What we had to do to get there (fetches, fallbacks). */
      readonly notes: readonly string[];
      /**
       * The commit whose configuration applies by default: the range's base, or for a branch's
       * own commits the default branch's tip. Undefined when there is none (a new default branch).
       */
      readonly configBase?: string;
    };

export interface ResolveOptions {
  readonly remote?: string;
  /** Successive `--deepen` steps tried before `--unshallow`. */
  readonly deepenSteps?: readonly number[];
}

const FIX = "check out with 'fetch-depth: 0' (actions/checkout) so the history is present";

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** Makes sure `sha` is present, fetching it by id once when it is not. */
async function ensureCommit(
  git: GitHistory,
  remote: string,
  sha: string,
  notes: string[],
): Promise<boolean> {
  if (await git.hasCommit(sha)) return true;
  const fetched = await git.fetch(remote, [sha]);
  if (fetched.ok && (await git.hasCommit(sha))) {
    notes.push(`fetched ${short(sha)} from ${remote}`);
    return true;
  }
  return false;
}

/**
 * In a shallow clone, deepens until base and head share a merge base (or the clone is complete),
 * so `base..head` is not cut at the shallow boundary. Fails closed when history cannot be had.
 */
async function ensureConnected(
  git: GitHistory,
  remote: string,
  base: string,
  head: string,
  steps: readonly number[],
  notes: string[],
): Promise<void> {
  if (!(await git.isShallow())) return;
  if ((await git.mergeBase(base, head)) !== undefined) return;
  for (const depth of steps) {
    const r = await git.fetch(remote, [base, head], { deepen: depth });
    if (!r.ok) break;
    notes.push(`shallow clone: deepened by ${depth}`);
    if ((await git.mergeBase(base, head)) !== undefined) return;
  }
  const full = await git.fetch(remote, [base, head], { unshallow: true });
  if (full.ok) {
    notes.push('shallow clone: fetched the complete history');
    // Unrelated histories have no merge base; base..head is then all of head's history.
    return;
  }
  throw new KeyguardError(
    'GIT_FAILED',
    `the checkout is shallow and the history between ${short(base)} and ${short(head)} could not be fetched (${full.error ?? 'fetch failed'}): ${FIX}`,
  );
}

async function branchTarget(
  git: GitHistory,
  remote: string,
  head: string,
  branch: string | undefined,
  defaultBranch: string | undefined,
  notes: string[],
): Promise<ResolvedTarget> {
  // Which commits are new cannot be told from a cut history: get all of it.
  if (await git.isShallow()) {
    const full = await git.fetch(remote, [head], { unshallow: true });
    if (!full.ok || (await git.isShallow()))
      throw new KeyguardError(
        'GIT_FAILED',
        `the checkout is shallow and its complete history could not be fetched (${full.error ?? 'still shallow'}): ${FIX}`,
      );
    notes.push('shallow clone: fetched the complete history');
  }
  const remoteRefs = `refs/remotes/${remote}`;
  if (defaultBranch !== undefined && defaultBranch !== branch) {
    const ref = `${remoteRefs}/${defaultBranch}`;
    if (!(await git.hasRef(ref))) {
      const r = await git.fetch(remote, [`+refs/heads/${defaultBranch}:${ref}`]);
      if (r.ok) notes.push(`fetched the default branch ${defaultBranch}`);
    }
  }
  // A branch's own commits have no base: the default branch's configuration applies to them.
  const defaultRef = defaultBranch === undefined ? undefined : `${remoteRefs}/${defaultBranch}`;
  const configBase =
    defaultRef !== undefined && defaultBranch !== branch && (await git.hasRef(defaultRef))
      ? defaultRef
      : undefined;
  const exclude = branch === undefined ? [] : [`--exclude=${remoteRefs}/${branch}`];
  // Options first; after --end-of-options git reads `head` as a revision whatever it looks like.
  const revisions = [
    '--not',
    ...exclude,
    `--glob=${remoteRefs}/*`,
    '--not',
    '--end-of-options',
    head,
  ];
  const commits = await git.countCommits(revisions);
  if (commits === undefined)
    throw new KeyguardError('GIT_FAILED', `cannot list the commits of ${short(head)}`);
  const what = branch === undefined ? short(head) : `branch ${branch}`;
  return {
    kind: 'history',
    revisions,
    commits,
    description: `${what}: commits not on any other branch of ${remote}`,
    notes,
    ...(configBase === undefined ? {} : { configBase }),
  };
}

/**
 * Turns a scan request into revisions whose history is really present: fetches missing commits,
 * deepens or unshallows shallow clones, falls back from a force-pushed-away `before` to the
 * branch's own commits, and fails (GIT_FAILED, with the fix) rather than pass on missing history.
 */
export async function resolveRange(
  request: ScanRequest,
  git: GitHistory,
  options: ResolveOptions = {},
): Promise<ResolvedTarget> {
  const remote = options.remote ?? 'origin';
  const steps = options.deepenSteps ?? [50, 500];
  const notes: string[] = [];
  if (request.kind === 'tree' || request.kind === 'nothing') return request;
  if (!(await ensureCommit(git, remote, request.head, notes)))
    throw new KeyguardError(
      'GIT_FAILED',
      `head commit ${short(request.head)} is not in the checkout and could not be fetched from ${remote}: ${FIX}`,
    );
  if (request.kind === 'branch')
    return branchTarget(git, remote, request.head, request.branch, request.defaultBranch, notes);
  if (request.base === request.head)
    return {
      kind: 'history',
      revisions: [],
      commits: 0,
      description: `base and head are the same commit (${short(request.head)}): no new commits`,
      notes,
      configBase: request.base,
    };
  if (!(await ensureCommit(git, remote, request.base, notes))) {
    if (request.baseMayBeGone) {
      notes.push(
        `before ${short(request.base)} is gone (force push): scanning the branch's own commits`,
      );
      return branchTarget(git, remote, request.head, request.branch, request.defaultBranch, notes);
    }
    throw new KeyguardError(
      'GIT_FAILED',
      `base commit ${short(request.base)} is not in the checkout and could not be fetched from ${remote}: ${FIX}`,
    );
  }
  await ensureConnected(git, remote, request.base, request.head, steps, notes);
  const revisions = ['--end-of-options', `${request.base}..${request.head}`];
  const commits = await git.countCommits(revisions);
  if (commits === undefined)
    throw new KeyguardError(
      'GIT_FAILED',
      `cannot list the commits ${short(request.base)}..${short(request.head)}`,
    );
  return {
    kind: 'history',
    revisions,
    commits,
    description: `${short(request.base)}..${short(request.head)}`,
    notes,
    configBase: request.base,
  };
}
