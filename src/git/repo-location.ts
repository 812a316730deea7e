/**
 * Whether a command-line word names a repository to clone rather than a revision or a folder:
 * a URL with a scheme (`https://…`, `ssh://…`, `file://…`, `git://…`) or git's scp-like form with a
 * user (`git@host:org/repo.git`). `host:path` without a user is not taken for one: `main:file` is a
 * revision.
 */
export function isRepositoryUrl(word: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/./i.test(word) || /^[^\s/:@]+@[^\s/:]+:[^\s]/.test(word);
}
