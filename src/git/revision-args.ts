import { KeyguardError } from '../model/errors.js';

/**
 * Options a revision list may carry (`--all`, `--not`, ref globs, dates): what the history
 * command, pre-push ranges and the Action build. Everything else is a revision name.
 */
const REVISION_OPTION =
  /^--(?:all|not|branches|tags|remotes)$|^--(?:branches|tags|remotes|glob|exclude|since|until|after|before)=/;

/**
 * Checks a revision list before it reaches `git log` or `git rev-list`. Those lists mix revision
 * names with the options above, so `--end-of-options` cannot guard them: instead, any other entry
 * that starts with `-` is refused (a revision from a payload or a command line must never become
 * an option such as `--output=<file>`).
 */
export function revisionArgs(revisions: readonly string[]): string[] {
  for (const r of revisions) {
    if (r.startsWith('-') && !REVISION_OPTION.test(r)) {
      throw new KeyguardError(
        'USAGE',
        `'${r}' is not a revision: a revision never starts with '-'`,
      );
    }
  }
  return [...revisions];
}
