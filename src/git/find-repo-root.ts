import { simpleGit } from 'simple-git';

/** The work tree's top level for `dir`, or undefined outside git (a small question: simple-git). */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  try {
    const top = await simpleGit({ baseDir: dir }).revparse(['--show-toplevel']);
    return top.trim() === '' ? undefined : top.trim();
  } catch {
    // Not a repository (or git refuses it): callers fall back to the folder itself.
    return undefined;
  }
}
