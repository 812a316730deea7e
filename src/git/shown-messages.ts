import { runGitChecked } from './run-git.js';

/**
 * Commit messages as `git log` shows them, by commit id: converted to UTF-8 from the encoding a
 * commit's `encoding` header names (iconv's, any git knows, EBCDIC included), up to a NUL. Only
 * for the few commits whose object does not hold UTF-8: one git process per call.
 */
export async function shownMessages(
  cwd: string,
  commits: readonly string[],
): Promise<Map<string, string>> {
  const shown = new Map<string, string>();
  if (commits.length === 0) return shown;
  const out = await runGitChecked(
    ['log', '--no-walk=unsorted', '--stdin', '-z', '--no-color', '--format=%H%x00%B'],
    cwd,
    { input: `${commits.join('\n')}\n` },
  );
  // -z ends each commit with a NUL: id, NUL, message, NUL (git prints a message up to a NUL).
  const parts = out.toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) shown.set(parts[i] ?? '', parts[i + 1] ?? '');
  return shown;
}
