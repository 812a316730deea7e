import { KeyguardError } from '../model/errors.js';
import { runGit } from './run-git.js';

/** What git stores under an id: `commit`, `tag`, `tree`, `blob`, or `missing` when it has none. */
export type ObjectType = 'commit' | 'tag' | 'tree' | 'blob' | 'missing';

const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The type of each object id, from one `git cat-file --batch-check`. Only full hex ids are asked
 * (anything else would be read by git as a revision expression); an id git does not have is
 * `missing`, never an error here: the caller says what a missing object means.
 */
export async function objectTypes(
  cwd: string,
  ids: Iterable<string>,
): Promise<Map<string, ObjectType>> {
  const asked = [...new Set(ids)];
  for (const id of asked) {
    if (!FULL_ID.test(id)) throw new KeyguardError('USAGE', `'${id}' is not a full object id`);
  }
  const types = new Map<string, ObjectType>();
  if (asked.length === 0) return types;
  const r = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], cwd, {
    input: `${asked.join('\n')}\n`,
  });
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n')[0] ?? '';
    throw new KeyguardError('GIT_FAILED', `git cat-file --batch-check failed: ${why}`);
  }
  const answers = r.stdout.toString('utf8').split('\n');
  asked.forEach((id, i) => {
    const [name = '', type = ''] = (answers[i] ?? '').split(' ');
    const known = type === 'commit' || type === 'tag' || type === 'tree' || type === 'blob';
    types.set(id, name === id && known ? type : 'missing');
  });
  return types;
}
