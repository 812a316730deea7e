import { runGit } from './run-git.js';

/** `git cat-file --batch-command` (with `flush` under `--buffer`) first shipped in git 2.36. */
const FIRST = [2, 36] as const;

/** Whether `git version`'s text names a release at or after 2.36 (`git version 2.39.5 (Apple…)`). */
export function versionHasBatchCommand(text: string): boolean {
  const m = /^git version (\d+)\.(\d+)/.exec(text.trim());
  if (m === null) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > FIRST[0] || (major === FIRST[0] && minor >= FIRST[1]);
}

/**
 * Whether the git on PATH can answer object reads in buffered batches. Any doubt (git failed,
 * an unknown version text) says no: the plain `--batch` every git has is then used, slower only.
 */
export async function gitHasBatchCommand(cwd: string): Promise<boolean> {
  try {
    const r = await runGit(['version'], cwd);
    return r.code === 0 && versionHasBatchCommand(r.stdout.toString('utf8'));
  } catch {
    return false;
  }
}
