import { nodeCrypto } from '../model/node-crypto.js';
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
  // Each commit starts with a marker no message can hold (a fresh random one): git's conversion
  // has been seen to print stray bytes, NULs among them, so NULs alone cannot be trusted to
  // separate commits.
  const marker = `\u0001keyguard-${nodeCrypto().randomBytes(12).toString('hex')}\u0001`;
  const out = await runGitChecked(
    ['log', '--no-walk=unsorted', '--stdin', '--no-color', `--format=${marker}%H%n%B`],
    cwd,
    { input: `${commits.join('\n')}\n` },
  );
  for (const part of out.toString('utf8').split(marker)) {
    const nl = part.indexOf('\n');
    if (nl === -1) continue;
    shown.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return shown;
}
