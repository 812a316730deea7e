import { KeyguardError } from '../model/errors.js';
import { escapeControl } from '../report/escape-control.js';

/** What a workflow run asks us to scan, decided from the event alone (no git yet). */
export type ScanRequest =
  /** Commits reachable from `head` and not from `base`. */
  | {
      readonly kind: 'range';
      readonly base: string;
      readonly head: string;
      /** A push whose `before` may be gone (force push): fall back to `branch` when it is. */
      readonly baseMayBeGone: boolean;
      readonly branch?: string;
      /** A pushed tag's name (`v1.0` of `refs/tags/v1.0`): what it names is read too. */
      readonly tag?: string;
      readonly defaultBranch?: string;
    }
  /** A new branch (or tag): its commits that the default branch does not have. */
  | {
      readonly kind: 'branch';
      readonly head: string;
      readonly branch?: string;
      /** A pushed tag's name: its annotated tags' text, or the blob or tree it names, is read too. */
      readonly tag?: string;
      readonly defaultBranch?: string;
    }
  /** The whole working tree (schedule, workflow_dispatch, anything else). */
  | { readonly kind: 'tree' }
  /** Nothing exists to scan (a deleted branch); says why. */
  | { readonly kind: 'nothing'; readonly reason: string };

export interface RequestInputs {
  /** Explicit `base`/`head` inputs win over the event. */
  readonly base?: string;
  readonly head?: string;
  /** `scan: tree` forces a working-tree scan whatever the event. */
  readonly scan?: string;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const ZERO = /^0+$/;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function sha(value: unknown, what: string): string {
  if (typeof value === 'string' && SHA.test(value)) return value;
  throw new KeyguardError(
    'USAGE',
    `the event payload has no valid ${what} (GITHUB_EVENT_PATH): cannot tell which commits to scan`,
  );
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Why `value` cannot be one commit named to git, or undefined when it can. */
function revisionProblem(value: string): string | undefined {
  if (value.startsWith('-')) return "it starts with '-' (git would read it as an option)";
  if (/\s/.test(value) || escapeControl(value) !== value)
    return 'it contains whitespace or control characters';
  if (value.includes('..')) return "it contains '..' (a range, where one commit is meant)";
  if (/[:*?[\\]/.test(value)) return "it contains one of ':*?[\\' (a path, a refspec or a pattern)";
  if (value.length > 255) return 'it is longer than 255 characters';
  return undefined;
}

/** An input naming one commit (`base`, `head`): a sha, a branch, a tag, `HEAD~2`; nothing else. */
function revisionInput(value: string, name: string): string {
  const problem = revisionProblem(value);
  if (problem === undefined) return value;
  throw new KeyguardError('USAGE', `input '${name}' must name one commit: ${problem}`);
}

/**
 * Whether `value` is a plain branch name: one that can go into git arguments, a fetch refspec or
 * `refs/remotes/<remote>/<name>` and mean only that branch (no option, range, pattern or suffix).
 */
export function isPlainBranchName(value: string): boolean {
  return (
    value !== '' &&
    revisionProblem(value) === undefined &&
    !/[~^]|@\{|\/\/|^\/|\/$|\.lock$|\.$/.test(value)
  );
}

/**
 * A branch name from the payload (a pull request's head ref is the author's choice): kept only
 * when it is a plain ref name, since it ends up in git arguments and fetch refspecs.
 */
function refName(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isPlainBranchName(value))
    throw new KeyguardError('USAGE', `the event payload's ${what} is not a valid branch name`);
  return value;
}

function branchOf(ref: unknown, what: string): string | undefined {
  const r = text(ref);
  return r?.startsWith('refs/heads/') === true
    ? refName(r.slice('refs/heads/'.length), what)
    : undefined;
}

/**
 * The tag a push event names (`refs/tags/<name>`), or undefined for any other ref. The name
 * becomes a fetch refspec, so it is held to the same rules as a branch name: an odd one is an
 * error (the run stops), never a tag that goes unread.
 */
function tagOf(ref: unknown): string | undefined {
  const r = text(ref);
  if (r?.startsWith('refs/tags/') !== true) return undefined;
  const name = r.slice('refs/tags/'.length);
  if (!isPlainBranchName(name))
    throw new KeyguardError('USAGE', "the event payload's ref is not a valid tag name");
  return name;
}

function optional<K extends string>(
  key: K,
  value: string | undefined,
): { [P in K]?: string } | Record<string, never> {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: string });
}

/**
 * pull_request(_target) → `base.sha..head.sha` (the PR's own commits, not the merge commit the
 * checkout made); merge_group → `base_sha..head_sha`; push → `before..after`, or the new branch's
 * commits the default branch lacks when `before` is all zeros, plus, for a tag, what the tag
 * names outside commits; a deleted branch or tag → nothing;
 * anything else → the tree.
 */
export function scanRequest(
  eventName: string,
  payload: unknown,
  inputs: RequestInputs = {},
): ScanRequest {
  if (inputs.scan === 'tree') return { kind: 'tree' };
  if (inputs.scan !== undefined && inputs.scan !== '' && inputs.scan !== 'auto')
    throw new KeyguardError('USAGE', `input 'scan' takes auto or tree, not '${inputs.scan}'`);
  const event = record(payload) ?? {};
  const repository = record(event.repository);
  const defaultBranch = refName(text(repository?.default_branch), 'repository.default_branch');
  if (inputs.base !== undefined || inputs.head !== undefined) {
    if (inputs.base === undefined || inputs.head === undefined)
      throw new KeyguardError('USAGE', "inputs 'base' and 'head' go together: set both or neither");
    return {
      kind: 'range',
      base: revisionInput(inputs.base, 'base'),
      head: revisionInput(inputs.head, 'head'),
      baseMayBeGone: false,
      ...optional('defaultBranch', defaultBranch),
    };
  }
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = record(event.pull_request);
    if (pr === undefined)
      throw new KeyguardError('USAGE', `the ${eventName} event payload has no pull_request`);
    return {
      kind: 'range',
      base: sha(record(pr.base)?.sha, 'pull_request.base.sha'),
      head: sha(record(pr.head)?.sha, 'pull_request.head.sha'),
      baseMayBeGone: false,
      ...optional('branch', refName(text(record(pr.head)?.ref), 'pull_request.head.ref')),
      ...optional('defaultBranch', defaultBranch),
    };
  }
  if (eventName === 'merge_group') {
    const group = record(event.merge_group);
    return {
      kind: 'range',
      base: sha(group?.base_sha, 'merge_group.base_sha'),
      head: sha(group?.head_sha, 'merge_group.head_sha'),
      baseMayBeGone: false,
      ...optional('defaultBranch', defaultBranch),
    };
  }
  if (eventName === 'push') {
    const branch = branchOf(event.ref, 'ref');
    const after = text(event.after);
    if (event.deleted === true || (after !== undefined && ZERO.test(after)))
      return { kind: 'nothing', reason: `${text(event.ref) ?? 'the ref'} was deleted` };
    // `after` of a tag push may be the tag object, not a commit: resolveRange peels it.
    const tag = tagOf(event.ref);
    const head = sha(event.after, 'after');
    const before = text(event.before);
    if (before === undefined || ZERO.test(before) || event.created === true) {
      return {
        kind: 'branch',
        head,
        ...optional('branch', branch),
        ...optional('tag', tag),
        ...optional('defaultBranch', defaultBranch),
      };
    }
    return {
      kind: 'range',
      base: sha(before, 'before'),
      head,
      baseMayBeGone: true,
      ...optional('branch', branch),
      ...optional('tag', tag),
      ...optional('defaultBranch', defaultBranch),
    };
  }
  return { kind: 'tree' };
}
