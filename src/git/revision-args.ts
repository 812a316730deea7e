import { KeyguardError } from '../model/errors.js';
import { isSelectingOption } from './history-args.js';

/**
 * Checks a revision list before it reaches `git log` or `git rev-list`. Those lists mix revision
 * names with the options above, so the caller decides where `--end-of-options` goes (after it, git
 * reads every word as a revision, whatever it looks like). Before it, any entry that starts with
 * `-` and is not one of those options is refused: a revision from a command line or a payload must
 * never become an option such as `--output=<file>`.
 */
export function revisionArgs(revisions: readonly string[]): string[] {
  for (const r of revisions) {
    if (r === '--end-of-options') break;
    // Revision names on standard input (history-args.ts): git refuses any option there.
    if (r === '--stdin') continue;
    // Options a revision list may carry before its revisions: the commit-selecting allowlist of
    // history-args.ts (`--all`, `--not`, ref globs, dates, authors, counts), nothing else.
    if (r.startsWith('-') && !isSelectingOption(r)) {
      throw new KeyguardError(
        'USAGE',
        `'${r}' is not a revision: a revision never starts with '-'`,
      );
    }
  }
  return [...revisions];
}
