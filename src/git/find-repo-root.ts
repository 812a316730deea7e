import { runGit } from './run-git.js';

/** The work tree's top level for `dir`, or undefined outside git (or in a repository git refuses). */
export async function findRepoRoot(dir: string): Promise<string | undefined> {
  try {
    const r = await runGit(['rev-parse', '--show-toplevel'], dir);
    const top = r.stdout.toString('utf8').trim();
    // Callers fall back to the folder itself.
    return r.code === 0 && top !== '' ? top : undefined;
  } catch {
    return undefined;
  }
}
