import { KeyguardError } from '../model/errors.js';
import type { HistorySelection, SelectionMember } from '../model/history-selection.js';
import type { RefTip } from '../model/ref-tip.js';
import { gitErrorLine } from './git-error-line.js';
import { type ObjectType, objectTypes } from './object-types.js';
import { revisionArgs } from './revision-args.js';
import { runGit } from './run-git.js';

const LINE = /^(\^?)([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * `--reflog` selects reflog entries, which are not refs, and `git rev-parse` does not know it;
 * the `--exclude` patterns meant for it go with it (a later ref option then excludes less: more
 * is read, never less).
 */
function refOptions(refs: readonly string[]): string[] {
  const out: string[] = [];
  let pending: string[] = [];
  for (const r of refs) {
    if (r.startsWith('--exclude=')) pending.push(r);
    else if (r === '--reflog') pending = [];
    else {
      out.push(...pending, r);
      pending = [];
    }
  }
  return out;
}

/**
 * The objects one member names, as `git rev-parse` reads the same words `git rev-list` walks:
 * its ref options expand to every ref they pick, a range to its ends (`B` and `^A` for `A..B`),
 * each as the object the ref holds (an annotated tag's own id, not its commit). Those excluded
 * (`^A`, `--not …`) come back marked, and are left out: what a selection excludes is not read.
 * A word git cannot read as a revision is an error (a trailing `--` makes it one), never skipped.
 */
async function memberTips(
  cwd: string,
  selection: HistorySelection,
  member: SelectionMember,
): Promise<string[]> {
  const excluded = refOptions(selection.exclude.refs);
  const options = revisionArgs([
    ...refOptions(member.refs),
    ...(excluded.length === 0 ? [] : ['--not', ...excluded, '--not']),
  ]);
  const names = [...member.names, ...selection.exclude.names.map((n) => `^${n}`)];
  const r = await runGit(['rev-parse', ...options, '--end-of-options', ...names, '--'], cwd);
  if (r.code !== 0) {
    throw new KeyguardError(
      'GIT_FAILED',
      `cannot resolve revision range '${selection.label}': ${gitErrorLine(r.stderr)}`,
    );
  }
  const included: string[] = [];
  const dropped = new Set<string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (line === '' || line === '--' || line === '--end-of-options') continue;
    const m = LINE.exec(line);
    if (m === null) {
      // Something git printed as it was (an option it passes on): the selection is not understood.
      throw new KeyguardError(
        'GIT_FAILED',
        `cannot list the refs of '${selection.label}': git rev-parse printed '${line.slice(0, 80)}'`,
      );
    }
    const [, caret = '', id = ''] = m;
    if (caret === '^') dropped.add(id);
    else included.push(id);
  }
  return included.filter((id) => !dropped.has(id));
}

/**
 * The first ref (in git's order) naming each of `ids`. Only names are asked for: an object's type
 * would have git open every ref's object, where there may be hundreds of thousands of branches.
 */
async function refNames(cwd: string, ids: ReadonlySet<string>): Promise<Map<string, string>> {
  const r = await runGit(['for-each-ref', '--format=%(objectname) %(refname)'], cwd);
  if (r.code !== 0) {
    throw new KeyguardError('GIT_FAILED', `cannot list refs: ${gitErrorLine(r.stderr)}`);
  }
  const names = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    const id = line.slice(0, space);
    if (space === -1 || !ids.has(id) || names.has(id)) continue;
    names.set(id, line.slice(space + 1));
  }
  return names;
}

/**
 * What a history selection names outside its commits starts here: every object its members name
 * and include (the refs `--all`, `--tags`, `--branches=x` pick, the including end of each revision
 * and range) that is not a commit, once each, as the ref holds it: annotated tags, trees, blobs
 * (see ref-contents). Commits are the walk's. An object git does not have is kept, for the caller
 * to refuse: never taken for a commit.
 */
export async function selectedTips(
  cwd: string,
  selection: HistorySelection,
): Promise<{ tips: RefTip[]; types: ReadonlyMap<string, ObjectType> }> {
  const ids = new Set<string>();
  for (const member of selection.members)
    for (const id of await memberTips(cwd, selection, member)) ids.add(id);
  const types = await objectTypes(cwd, ids);
  const wanted = new Set([...ids].filter((id) => types.get(id) !== 'commit'));
  if (wanted.size === 0) return { tips: [], types };
  const names = await refNames(cwd, wanted);
  // Named by the first ref holding it (in git's order), so a report names the same place each run.
  return { tips: [...wanted].map((id) => ({ ref: names.get(id) ?? id, id })), types };
}
