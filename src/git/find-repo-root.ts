import { KeyguardError } from '../model/errors.js';
import { gitEnvironment } from './git-command.js';
import { isPlainWorkTreeTop } from './plain-work-tree-top.js';
import { runGit } from './run-git.js';

/** Where a folder sits in its work tree. */
export interface WorkTreePlace {
  /** The work tree's top level, absolute. */
  readonly root: string;
  /** The folder's path below it (`sub/dir/`), empty at the top. */
  readonly prefix: string;
  /**
   * `root/.git` is, beyond doubt, the repository git uses there (see isPlainWorkTreeTop), and no
   * variable names another index: its index may be read without asking git.
   */
  readonly plain?: boolean;
}

/** Asked once per folder and process: the config lookup and the listing both need it. */
const asked = new Map<string, Promise<WorkTreePlace | undefined>>();

/**
 * The work tree `dir` is in, or undefined outside any (and inside `.git` or a bare repository).
 * A repository git refuses to read (ownership, corruption) is an error, never taken for a plain
 * folder.
 */
export function workTreeOf(dir: string): Promise<WorkTreePlace | undefined> {
  let answer = asked.get(dir);
  if (answer === undefined) {
    // The usual case (a scan run at the top of a repository) needs no git process. Before an entry
    // has handed over the environment git would inherit, nothing can be ruled out: ask git.
    const env = gitEnvironment();
    if (env !== undefined && isPlainWorkTreeTop(dir, env)) {
      const plain = env.GIT_INDEX_FILE === undefined;
      answer = Promise.resolve({ root: dir, prefix: '', ...(plain ? { plain } : {}) });
      asked.set(dir, answer);
      return answer;
    }
    answer = runGit(['rev-parse', '--show-toplevel', '--show-prefix'], dir).then((r) => {
      if (r.code !== 0) {
        if (/not a git repository/i.test(r.stderr)) return undefined;
        throw new KeyguardError(
          'GIT_FAILED',
          `git cannot read the repository at ${dir}: ${r.stderr.trim().split('\n')[0] ?? ''}`,
        );
      }
      const [root = '', prefix = ''] = r.stdout.toString('utf8').split('\n');
      return root === '' ? undefined : { root, prefix };
    });
    asked.set(dir, answer);
  }
  return answer;
}

/** The work tree's top level for `dir`, or undefined outside git (or in a repository git refuses). */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  try {
    return (await workTreeOf(dir))?.root;
  } catch {
    // Callers fall back to the folder itself; the listing reports git's refusal.
    return undefined;
  }
}
