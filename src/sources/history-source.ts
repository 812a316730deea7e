import { BlobReader } from '../git/blob-reader.js';
import { type CommitFile, type LoggedCommit, streamCommitLog } from '../git/commit-log.js';
import { GITLINK_MODE, SYMLINK_MODE } from '../git/staged-changes.js';
import type { Chunk, CommitRef } from '../model/chunk.js';
import { isKeyguardError, KeyguardError } from '../model/errors.js';
import type { Source, SourceItem } from '../model/source.js';
import { readAhead } from './read-ahead.js';
import { bufferItem } from './read-file-item.js';
import { RecentIds } from './recent-ids.js';

/** The path findings in commit messages are reported under. */
export const COMMIT_MESSAGE_PATH = '<commit message>';

export interface HistoryProgress {
  readonly commits: number;
  readonly total: number;
  readonly blobs: number;
  readonly bytes: number;
}

export interface HistorySourceOptions {
  readonly cwd: string;
  /** `git log` revision arguments: `--all`, `main..feature`, `--since=…`. */
  readonly revisions: readonly string[];
  /** Human description of the range for the coverage summary. */
  readonly rangeLabel: string;
  /** Commits the range selects (from `git rev-list --count`), for progress. */
  readonly total: number;
  readonly maxFileSize: number;
  readonly mayMatch?: (buf: Buffer) => boolean;
  readonly onProgress?: (progress: HistoryProgress) => void;
  /** Accept missing objects (partial clone) as skips instead of failing. */
  readonly allowPartial?: boolean;
  /** Facts the caller already knows about coverage (shallow clone accepted as partial…). */
  readonly extraCoverage?: Readonly<Record<string, string | number | boolean>>;
  /** Clean blob ids remembered per generation (default CLEAN_IDS_KEPT); fewer means more re-reads. */
  readonly cleanIdsKept?: number;
}

/** Where a finding's content was first seen, and how many commits brought it in. */
export interface Attribution {
  /** Position of the introducing commit, oldest first. */
  readonly rank: number;
  /** Identity of the content (path and blob, or one commit's message). */
  readonly key: string;
  /** Commits that added this exact content at this path. */
  readonly commits: number;
}

export interface HistorySource extends Source {
  /** Attribution of a chunk this source yielded, by the chunk's commit and path. */
  attribution(sha: string, path: string): Attribution | undefined;
}

/** Commits handed to git cat-file at a time: bounds memory, keeps git busy. */
const BATCH_COMMITS = 256;
const BATCH_FILES = 2048;
/** Commits git log may run ahead of the blob reads (ids and paths only). */
const READ_AHEAD_COMMITS = 4096;
/** About 25 MiB of ids per generation: ample for most histories, a ceiling for the largest. */
const CLEAN_IDS_KEPT = 1 << 18;

interface Request {
  readonly commit: CommitRef;
  readonly rank: number;
  readonly file: CommitFile;
  readonly key: string;
}

function commitRef(c: LoggedCommit): CommitRef {
  return { sha: c.sha, author: c.author, email: c.email, date: c.date };
}

/**
 * Every commit of a range (default: all refs), oldest first. Each blob is read once through one
 * `git cat-file --batch`; a blob no keyword matches is never read again, and content that could
 * hold a secret is scanned once per path, attributed to the commit that introduced it, with a count
 * of the later commits that brought the same content back. Commit messages are scanned too.
 * Memory holds object ids (clean ones for a bounded window), never the history's content.
 */
export function createHistorySource(options: HistorySourceOptions): HistorySource {
  // Blobs with no keyword, and blobs skipped as binary, too large or missing: not read again while
  // remembered (the last CLEAN_IDS_KEPT or so of each). One that returns after that is read, and
  // counted, once more.
  const kept = options.cleanIdsKept ?? CLEAN_IDS_KEPT;
  const clean = new RecentIds(kept);
  const skippedBlobs = new RecentIds(kept);
  const intro = new Map<string, { rank: number; commits: number }>();
  const chunkKeys = new Map<string, string>();
  const skippedPaths = new Set<string>();
  const paths = new Set<string>();
  const counts = {
    commits: 0,
    blobs: 0,
    bytes: 0,
    binaryBlobs: 0,
    largeBlobs: 0,
    missingBlobs: 0,
    submoduleEntries: 0,
    symlinkEntries: 0,
    messages: 0,
  };
  const mayMatch = options.mayMatch;
  const readOptions = {
    source: 'history' as const,
    maxFileSize: options.maxFileSize,
    ...(mayMatch === undefined ? {} : { mayMatch }),
  };

  function* messageItems(commit: LoggedCommit, rank: number): Generator<SourceItem> {
    const buf = Buffer.from(commit.message, 'utf8');
    counts.messages++;
    if (mayMatch !== undefined && !mayMatch(buf)) return;
    const key = `\0message\0${commit.sha}`;
    intro.set(key, { rank, commits: 1 });
    chunkKeys.set(`${commit.sha}\0${COMMIT_MESSAGE_PATH}`, key);
    const chunk: Chunk = {
      source: 'history',
      path: COMMIT_MESSAGE_PATH,
      text: commit.message,
      size: buf.length,
      commit: { ...commitRef(commit), message: commit.message.split('\n')[0] ?? '' },
    };
    yield { chunk };
  }

  function skipOnce(
    path: string,
    reason: 'binary' | 'too-large' | 'missing',
    detail?: string,
  ): SourceItem[] {
    const id = `${reason}\0${path}`;
    if (skippedPaths.has(id)) return [];
    skippedPaths.add(id);
    return [{ skipped: { path, reason, ...(detail === undefined ? {} : { detail }) } }];
  }

  async function* flush(batch: readonly LoggedCommit[], firstRank: number, reader: BlobReader) {
    const byBlob = new Map<string, Request[]>();
    const repeats: string[] = [];
    const batchKeys = new Set<string>();
    let rank = firstRank;
    for (const commit of batch) {
      yield* messageItems(commit, rank);
      const ref = commitRef(commit);
      for (const file of commit.files) {
        if (file.mode === GITLINK_MODE) {
          counts.submoduleEntries++;
          continue;
        }
        if (file.mode === SYMLINK_MODE) {
          counts.symlinkEntries++;
          continue;
        }
        if (clean.has(file.blob) || skippedBlobs.has(file.blob)) continue;
        const key = `${file.path}\0${file.blob}`;
        const known = intro.get(key);
        if (known !== undefined) {
          known.commits++;
          continue;
        }
        if (batchKeys.has(key)) {
          repeats.push(key);
          continue;
        }
        batchKeys.add(key);
        const list = byBlob.get(file.blob);
        const request = { commit: ref, rank, file, key };
        if (list === undefined) byBlob.set(file.blob, [request]);
        else list.push(request);
      }
      rank++;
    }
    for await (const record of reader.read([...byBlob.keys()])) {
      const requests = byBlob.get(record.id) ?? [];
      if (record.type === 'missing') {
        const first = requests[0];
        const where = first === undefined ? '' : ` (${first.file.path} in ${first.commit.sha})`;
        if (options.allowPartial !== true) {
          throw new KeyguardError(
            'GIT_FAILED',
            `blob ${record.id}${where} is missing from the repository (a partial or damaged clone?); fetch it or pass --allow-partial`,
          );
        }
        skippedBlobs.add(record.id);
        counts.missingBlobs++;
        for (const r of requests)
          yield* skipOnce(r.file.path, 'missing', 'object not in the repository');
        continue;
      }
      if (record.data === undefined) {
        skippedBlobs.add(record.id);
        counts.largeBlobs++;
        for (const r of requests) yield* skipOnce(r.file.path, 'too-large', `${record.size} bytes`);
        continue;
      }
      counts.blobs++;
      counts.bytes += record.data.length;
      for (const r of requests) {
        const item = bufferItem(record.data, r.file.path, readOptions);
        if ('skipped' in item) {
          skippedBlobs.add(record.id);
          counts.binaryBlobs++;
          yield* skipOnce(r.file.path, 'binary');
          break;
        }
        paths.add(r.file.path);
        if (item.chunk.text.length === 0) {
          // No keyword anywhere in these bytes: clean at every path, never read again. Not
          // yielded: nothing to scan, and the counts travel in the coverage (files, bytes).
          clean.add(record.id);
          break;
        }
        intro.set(r.key, { rank: r.rank, commits: 1 });
        chunkKeys.set(`${r.commit.sha}\0${r.file.path}`, r.key);
        yield { chunk: { ...item.chunk, blobId: record.id, commit: r.commit } };
      }
    }
    for (const key of repeats) {
      const known = intro.get(key);
      if (known !== undefined) known.commits++;
    }
  }

  return {
    attribution(sha, path) {
      const key = chunkKeys.get(`${sha}\0${path}`);
      if (key === undefined) return undefined;
      const info = intro.get(key);
      return info === undefined ? undefined : { rank: info.rank, key, commits: info.commits };
    },
    coverage: () => ({
      range: options.rangeLabel,
      commits: counts.commits,
      commitsInRange: options.total,
      files: paths.size,
      blobs: counts.blobs,
      bytes: counts.bytes,
      commitMessages: counts.messages,
      binaryBlobsSkipped: counts.binaryBlobs,
      largeBlobsSkipped: counts.largeBlobs,
      ...(counts.missingBlobs === 0 ? {} : { missingBlobsSkipped: counts.missingBlobs }),
      submoduleEntriesSkipped: counts.submoduleEntries,
      symlinkEntriesSkipped: counts.symlinkEntries,
      ...options.extraCoverage,
      ...(counts.missingBlobs === 0
        ? {}
        : {
            partial: true,
            partialReason: [
              options.extraCoverage?.partialReason,
              `${counts.missingBlobs} blob(s) missing from the repository were not scanned`,
            ]
              .filter((x) => x !== undefined)
              .join('; '),
          }),
    }),
    async *items(): AsyncIterable<SourceItem> {
      const reader = new BlobReader(options.cwd, options.maxFileSize);
      let finished = false;
      try {
        let batch: LoggedCommit[] = [];
        let files = 0;
        const report = () =>
          options.onProgress?.({
            commits: counts.commits,
            total: options.total,
            blobs: counts.blobs,
            bytes: counts.bytes,
          });
        const log = streamCommitLog(options.cwd, options.revisions);
        for await (const commit of readAhead(log, READ_AHEAD_COMMITS)) {
          batch.push(commit);
          files += commit.files.length;
          if (batch.length >= BATCH_COMMITS || files >= BATCH_FILES) {
            yield* flush(batch, counts.commits, reader);
            counts.commits += batch.length;
            batch = [];
            files = 0;
            report();
          }
        }
        if (batch.length > 0) {
          yield* flush(batch, counts.commits, reader);
          counts.commits += batch.length;
          report();
        }
        finished = true;
      } catch (error) {
        // Fail closed, and say how far the walk got: what follows was not covered.
        if (isKeyguardError(error)) {
          throw new KeyguardError(
            error.code,
            `${error.message} (after ${counts.commits} of ${options.total} commits; the rest were not scanned)`,
            { details: error.details, cause: error },
          );
        }
        throw error;
      } finally {
        if (!finished) reader.kill();
      }
      await reader.close();
    },
  };
}
