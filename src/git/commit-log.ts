import { KeyguardError } from '../model/errors.js';
import { pathText } from '../model/path-text.js';
import { revisionArgs } from './revision-args.js';
import { spawnGit } from './spawn-git.js';

/** A blob a commit brings in at a path (its diff against the first parent, or the empty tree). */
export interface CommitFile {
  /** Display path (bytes that are not UTF-8 shown as `\xNN`). */
  readonly path: string;
  /** base64 of the path's exact bytes, when they are not valid UTF-8. */
  readonly pathBytes?: string;
  readonly mode: string;
  readonly blob: string;
}

export interface LoggedCommit {
  readonly sha: string;
  readonly author: string;
  readonly email: string;
  /** Author date, strict ISO 8601. */
  readonly date: string;
  readonly files: readonly CommitFile[];
}

const FIELDS = 5;
const COLON = 0x3a;
const LF = 0x0a;
const SPACE = 0x20;

/** Whether an object id as git printed it is the null id (all zeros: a deleted path). */
function isNullId(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0x30) return false;
  return end > start;
}

/**
 * `git log` flags: oldest first with parents before children (so the first commit that shows a blob
 * is the one that introduced it), root commits diffed against the empty tree whatever
 * log.showRoot says, merges diffed against their first parent (a secret added while
 * resolving a conflict is seen), no rename detection (every added or modified path is listed with
 * its new blob), NUL-separated. No --diff-filter: it would drop commits without matching changes
 * (empty commits, pure deletions) and their messages from the walk; deletions are dropped here
 * instead (their new side is the null id).
 */
export function commitLogArgs(
  revisions: readonly string[],
  pathspecs: readonly string[] = [],
  listed = false,
): string[] {
  return [
    'log',
    '--root',
    // A listed walk is already in order: --reverse would flip it, and git does not re-sort it.
    ...(listed ? ['--no-walk=unsorted', '--stdin'] : ['--topo-order', '--reverse']),
    '--raw',
    '-z',
    '--no-abbrev',
    '--no-renames',
    '--diff-merges=first-parent',
    '--no-ext-diff',
    '--no-textconv',
    '--no-color',
    // No message (%B): the history source reads each commit's object, which holds it whole (git
    // prints a message only up to a NUL, and no header beyond author and committer). The fifth
    // field stays, empty, so a commit's fields end as they always did.
    '--format=%H%x00%an%x00%ae%x00%aI%x00',
    ...revisionArgs(revisions),
    '--',
    ...pathspecs,
  ];
}

/** Which commits to log: revision arguments, or an exact list of commit ids in the order wanted. */
export interface CommitWalk {
  readonly revisions: readonly string[];
  /** Revision names for git's standard input, when `revisions` holds `--stdin`. */
  readonly input?: string;
  /** When set, exactly these commits in this order (`--no-walk=unsorted --stdin`); revisions are ignored. */
  readonly commits?: readonly string[];
  /** Only changes under these paths. */
  readonly pathspecs?: readonly string[];
}

/**
 * Streams commits with the blobs each one adds or changes, without holding the history in memory:
 * the output is parsed as it arrives and git is paused while the consumer works.
 */
export async function* streamCommitLog(
  cwd: string,
  walk: CommitWalk | readonly string[],
): AsyncGenerator<LoggedCommit> {
  const w: CommitWalk = Array.isArray(walk) ? { revisions: walk } : (walk as CommitWalk);
  const listed = w.commits;
  // An empty list must not become git's default (HEAD).
  if (listed !== undefined && listed.length === 0) return;
  const args =
    listed === undefined
      ? commitLogArgs(w.revisions, w.pathspecs)
      : commitLogArgs([], w.pathspecs, true);
  const child = spawnGit('scan', args, { cwd });
  child.stdin.on('error', () => {
    // git exited before reading every id; its exit status says why.
  });
  child.stdin.end(listed === undefined ? (w.input ?? '') : `${listed.join('\n')}\n`);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const closed = new Promise<number>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new KeyguardError('GIT_FAILED', `cannot run git: ${error.message}`, { cause: error })),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
  closed.catch(() => {
    // Reported below when the stream ends.
  });

  let rest = Buffer.alloc(0);
  let header: string[] = [];
  let files: CommitFile[] = [];
  // The raw entry before its path (`:old-mode new-mode old-id new-id status`): new mode and id,
  // or the null id's marker (a deletion, dropped with its path).
  let meta: { readonly mode: string; readonly blob: string } | null | undefined;
  let current: Omit<LoggedCommit, 'files'> | undefined;
  const finish = (): LoggedCommit | undefined => {
    if (current === undefined) return undefined;
    const done = { ...current, files };
    current = undefined;
    files = [];
    return done;
  };
  const take = (bytes: Buffer): LoggedCommit | undefined => {
    if (current !== undefined && header.length === 0 && meta !== undefined) {
      // A path: bytes, not necessarily UTF-8 (shown with \xNN escapes, exact bytes kept).
      if (meta !== null) files.push({ ...pathText(bytes), mode: meta.mode, blob: meta.blob });
      meta = undefined;
      return undefined;
    }
    if (current !== undefined && header.length === 0) {
      const at = bytes[0] === LF ? 1 : 0;
      if (bytes[at] === COLON) {
        // Read from the bytes at the spaces, ASCII only: one small string per field kept (the
        // ~100,000 entries of a 30,000-commit history were each decoded whole and split).
        const s1 = bytes.indexOf(SPACE, at);
        const s2 = bytes.indexOf(SPACE, s1 + 1);
        const s3 = bytes.indexOf(SPACE, s2 + 1);
        const s4 = bytes.indexOf(SPACE, s3 + 1);
        const end = s4 === -1 ? bytes.length : s4;
        if (s3 === -1)
          throw new KeyguardError('GIT_FAILED', 'git log printed a change it did not finish');
        meta = isNullId(bytes, s3 + 1, end)
          ? null
          : {
              mode: bytes.toString('latin1', s1 + 1, s2),
              blob: bytes.toString('latin1', s3 + 1, end),
            };
        return undefined;
      }
    }
    const token = bytes.toString('utf8');
    if (header.length === 0) {
      const done = finish();
      header.push(token.startsWith('\n') ? token.slice(1) : token);
      return done;
    }
    header.push(token);
    if (header.length === FIELDS) {
      const [sha = '', author = '', email = '', date = ''] = header;
      current = { sha, author, email, date };
      header = [];
    }
    return undefined;
  };

  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let pos = 0;
      if (rest.length > 0) {
        // Only the token cut by the previous read is joined; the rest of the chunk is not copied.
        const nul = chunk.indexOf(0);
        if (nul === -1) {
          rest = Buffer.concat([rest, chunk]);
          continue;
        }
        const done = take(Buffer.concat([rest, chunk.subarray(0, nul)]));
        rest = Buffer.alloc(0);
        pos = nul + 1;
        if (done !== undefined) yield done;
      }
      for (;;) {
        const nul = chunk.indexOf(0, pos);
        if (nul === -1) break;
        const done = take(chunk.subarray(pos, nul));
        pos = nul + 1;
        if (done !== undefined) yield done;
      }
      if (pos < chunk.length) rest = Buffer.from(chunk.subarray(pos));
    }
    if (rest.length > 0) {
      const done = take(rest);
      if (done !== undefined) yield done;
    }
    const code = await closed;
    if (code !== 0) {
      throw new KeyguardError(
        'GIT_FAILED',
        `git log failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`,
      );
    }
    const last = finish();
    if (last !== undefined) yield last;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
