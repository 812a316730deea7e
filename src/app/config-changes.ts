import type { CommitFiles } from '../git/commit-files.js';

async function content(files: CommitFiles, path: string): Promise<string> {
  try {
    const data = await files.read(path);
    return data === undefined ? 'absent' : `file:${data.toString('base64')}`;
  } catch {
    // A link or a folder where a file should be: different from any file.
    return 'not a file';
  }
}

/**
 * Which of `paths` (repository-relative) differ between two commits: added, removed, edited, or
 * replaced by something that is not a regular file. Used to say which configuration files a pull
 * request (or a push) changed without those changes being applied.
 */
export async function configChanges(
  base: CommitFiles,
  head: CommitFiles,
  paths: readonly string[],
): Promise<string[]> {
  const changed: string[] = [];
  for (const path of [...new Set(paths)].sort())
    if ((await content(base, path)) !== (await content(head, path))) changed.push(path);
  return changed;
}
