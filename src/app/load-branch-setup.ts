import { type CommitFiles, commitFiles } from '../git/commit-files.js';
import { objectTypes } from '../git/object-types.js';
import { runGit } from '../git/run-git.js';
import type { Baseline } from '../model/finding.js';
import type { LoadedSetup } from './create-scan-setup.js';
import { loadCommittedSetup } from './load-committed-setup.js';

export interface BranchSetupOptions {
  readonly cwd: string;
  /** Paths under it are read from the branch (a bare repository's git directory). */
  readonly root: string;
  /** The branch the configuration comes from (`refs/heads/main`); undefined: there is none yet. */
  readonly ref?: string;
  readonly configFile?: string;
  readonly baselineFile?: string;
  readonly rulePacks?: readonly string[];
  readonly today: string;
}

export interface BranchSetup {
  readonly setup: LoadedSetup;
  readonly baseline?: Baseline;
  /** The commit the configuration was read from; undefined when the branch does not exist. */
  readonly commit?: string;
}

/** A commit with no files: built-in rules, unless a file outside the repository is named. */
const NO_FILES: CommitFiles = {
  commit: '(no commit)',
  read: async () => undefined,
};

/**
 * The configuration, baseline and rule packs a server-side gate uses: as the branch holds them
 * NOW, before the push being judged changes anything (a pre-receive hook runs before any ref
 * moves), read through the one loader and validator (loadCommittedSetup). A push can therefore
 * never loosen the rules it is judged by: a `.keyguard.json` or baseline it brings counts only
 * once it is on the branch. No branch yet (an empty repository): the built-in rules.
 */
export async function loadBranchSetup(options: BranchSetupOptions): Promise<BranchSetup> {
  let files = NO_FILES;
  if (options.ref !== undefined) {
    const r = await runGit(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', options.ref],
      options.cwd,
    );
    const id = r.stdout.toString('utf8').trim();
    if (r.code === 0 && (await objectTypes(options.cwd, [id])).get(id) !== 'missing') {
      files = await commitFiles(options.cwd, options.ref);
    }
  }
  const loaded = await loadCommittedSetup({
    root: options.root,
    files,
    role: options.ref ?? 'default branch',
    today: options.today,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.baselineFile === undefined ? {} : { baselineFile: options.baselineFile }),
    ...(options.rulePacks === undefined ? {} : { rulePacks: options.rulePacks }),
  });
  return {
    setup: loaded.setup,
    ...(loaded.baseline === undefined ? {} : { baseline: loaded.baseline }),
    ...(files === NO_FILES ? {} : { commit: files.commit }),
  };
}
