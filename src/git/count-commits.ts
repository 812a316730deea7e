import { KeyguardError } from '../model/errors.js';
import { gitErrorLine } from './git-error-line.js';
import { revisionArgs } from './revision-args.js';
import { runGit } from './run-git.js';

/**
 * How many commits `revisions` select; also the check that every revision resolves, so a typo in a
 * range is an error (exit 2), never a clean scan of nothing.
 */
export async function countCommits(cwd: string, revisions: readonly string[]): Promise<number> {
  const r = await runGit(['rev-list', '--count', ...revisionArgs(revisions), '--'], cwd);
  if (r.code !== 0) {
    const first = gitErrorLine(r.stderr);
    throw new KeyguardError(
      'GIT_FAILED',
      `cannot resolve revision range '${revisions.join(' ')}': ${first}`,
    );
  }
  return Number(r.stdout.toString('utf8').trim());
}
