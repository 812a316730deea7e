import { gitHasBatchCommand } from '../git/batch-command-support.js';
import { BlobReader, type BlobRecord } from '../git/blob-reader.js';
import { type CommitFile, type LoggedCommit, streamCommitLog } from '../git/commit-log.js';
import { shownMessages } from '../git/shown-messages.js';
import { GITLINK_MODE } from '../git/staged-changes.js';
import type { CommitRef } from '../model/chunk.js';
import type { CleanBlobs } from '../model/clean-blobs.js';
import { isKeyguardError, KeyguardError } from '../model/errors.js';
import type { SkipReason } from '../model/outcome.js';
import type { RefObject } from '../model/ref-object.js';
import type { ScanSink, Source } from '../model/source.js';
import {
  ContentReader,
  type ReaderOptions,
  type ReadLabel,
  type ReadResult,
} from './content-reader.js';
import { readAhead } from './read-ahead.js';
import { RecentIds } from './recent-ids.js';

/** The path findings in commit messages are reported under. */
export const COMMIT_MESSAGE_PATH = '<commit message>';
/**
 * The path findings in the rest of a commit object are reported under: its header lines (author,
 * committer, any extra header, an embedded merge tag) and a message's text after a NUL, which
 * `git log` does not print but a push carries. Lines count as in `git cat-file commit <id>`.
 */
export const COMMIT_OBJECT_PATH = '<commit object>';

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
  /** Revision names for git's standard input, when `revisions` holds `--stdin`. */
  readonly input?: string;
  /** Exactly these commits, parents first (a union of ranges); `revisions` are then ignored. */
  readonly commits?: readonly string[];
  /** Only changes under these paths (`history main -- src/`). */
  readonly pathspecs?: readonly string[];
  /** Objects refs bring in outside any commit's changes (annotated tags, blobs a ref names). */
  readonly objects?: readonly RefObject[];
  /**
   * Names a push writes besides its files' (the refs it sets): scanned as text, as file names
   * are, at no commit. A key pair can be a branch name.
   */
  readonly names?: readonly string[];
  /** Human description of the range for the coverage summary. */
  readonly rangeLabel: string;
  /** Commits the range selects (from `git rev-list --count`), for progress. */
  readonly total: number;
  readonly read: Omit<ReaderOptions, 'source'>;
  readonly onProgress?: (progress: HistoryProgress) => void;
  /** Accept missing objects (partial clone) as skips instead of failing. */
  readonly allowPartial?: boolean;
  /** Facts the caller already knows about coverage (shallow clone accepted as partial…). */
  readonly extraCoverage?: Readonly<Record<string, string | number | boolean>>;
  /** Clean blob ids remembered per generation (default CLEAN_IDS_KEPT); fewer means more re-reads. */
  readonly cleanIdsKept?: number;
  /** Blobs earlier scans read clean (the history cache): not read again; told what reads clean now. */
  readonly cleanBlobs?: CleanBlobs;
  /** Commits of the selection left out of the walk because the history cache remembers them whole. */
  readonly commitsFromCache?: number;
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

/**
 * A commit object is held whole to find its header's end and any NUL in its message: git's own
 * are a few hundred bytes. A larger one (hostile, or a tool's dump) is a skip, never a pass.
 */
const COMMIT_OBJECT_MAX = 64 * 1024 * 1024;

async function collect(pieces: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

async function drain(pieces: AsyncIterable<Buffer>): Promise<void> {
  for await (const piece of pieces) void piece;
}

/**
 * Whether git converts this commit's message for display: its header block names an encoding
 * other than UTF-8 (git then re-encodes with iconv, so the object's bytes, EBCDIC say, need not
 * show a key that `git log` prints). Rare: such commits' messages are asked of git.
 */
function convertedByGit(header: Buffer): boolean {
  const at = header.indexOf('\nencoding ');
  if (at === -1) return false;
  const end = header.indexOf(0x0a, at + 1);
  const name = header.toString('latin1', at + 10, end === -1 ? header.length : end).trim();
  return !/^utf-?8$/i.test(name);
}

/** A commit whose message git converts for display, and its place in the walk. */
interface Converted {
  readonly commit: LoggedCommit;
  readonly rank: number;
}

/**
 * Walks shorter than this read objects through plain `cat-file --batch`: its flush per object
 * costs little on a few hundred, and a hook (pre-push, pre-receive) spares the `git version` it
 * takes to know whether `--batch-command` is there (a fork of this process, ~10 ms).
 */
const BUFFERED_FROM_COMMITS = 1024;

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
 * of the later commits that brought the same content back. Commit messages are scanned too, and
 * after the walk what refs name outside any commit (annotated tags' text, blobs), each blob still
 * read once. Memory holds object ids (clean ones for a bounded window), never the history's content.
 */
export function createHistorySource(options: HistorySourceOptions): HistorySource {
  // Blobs with no keyword, and blobs skipped as too large or missing: not read again while
  // remembered (the last CLEAN_IDS_KEPT or so of each). One that returns after that is read, and
  // counted, once more.
  const kept = options.cleanIdsKept ?? CLEAN_IDS_KEPT;
  const clean = new RecentIds(kept);
  const skippedBlobs = new RecentIds(kept);
  // Blobs whose text reached the engine at a commit's path (reported there), so a ref naming one
  // again does not report it twice: no more ids than `intro` already holds for them.
  const engagedBlobs = new Set<string>();
  const intro = new Map<string, { rank: number; commits: number }>();
  const chunkKeys = new Map<string, string>();
  const skippedPaths = new Set<string>();
  const paths = new Set<string>();
  /** Names given to the engine in this walk: each once, at the first commit that lists it. */
  const namesRead = new Set<string>();
  const counts = {
    commits: 0,
    blobs: 0,
    bytes: 0,
    largeBlobs: 0,
    missingBlobs: 0,
    submoduleEntries: 0,
    messages: 0,
    objects: 0,
    cachedBlobs: 0,
  };
  const remembered = options.cleanBlobs;
  const reader = new ContentReader({ ...options.read, source: 'history' });

  /** Records what of a commit reached the engine: its findings are attributed to it. */
  function introduced(commit: LoggedCommit, path: string, rank: number): void {
    const key = `\0${path}\0${commit.sha}`;
    intro.set(key, { rank, commits: 1 });
    chunkKeys.set(`${commit.sha}\0${path}`, key);
  }

  /**
   * `sink`, telling `engaged` when any text reached the engine or any part was skipped (only what
   * did neither may be remembered as clean), with its own count of bytes read. By default nothing
   * is counted: the sink's counts are for content, and messages have their own.
   */
  function watchedSink(
    sink: ScanSink,
    engaged: () => void,
    read: (bytes: number) => void = () => undefined,
  ): ScanSink {
    return {
      chunk: (chunk) => {
        engaged();
        sink.chunk(chunk);
      },
      skip: (skipped) => {
        engaged();
        sink.skip(skipped);
      },
      read,
    };
  }

  /** The label of a commit's message: it reaches reports only as the engine's masked subject. */
  function messageLabel(commit: LoggedCommit) {
    return { path: COMMIT_MESSAGE_PATH, commit: commitRef(commit), commitMessage: true };
  }

  /**
   * Scans a commit from its own object: the message, up to a NUL (all `git log` shows), as the
   * commit message, and what `git log` never shows as the commit object: the header block
   * (author, committer, extra headers, an embedded merge tag) and, when the message holds a NUL,
   * the whole object, with whatever archive starts after the NUL opened as a blob's would be. A
   * message in another encoding is also left to `converted`, to be read as git shows it. True
   * when none of it reached the engine and nothing was skipped.
   */
  async function scanCommit(
    record: BlobRecord,
    commit: LoggedCommit,
    rank: number,
    sink: ScanSink,
    converted: Converted[],
  ): Promise<boolean> {
    if (record.type !== 'commit') {
      // git log just listed this commit: an unreadable object is a damaged repository, never a pass.
      throw new KeyguardError(
        'GIT_FAILED',
        `commit ${commit.sha} could not be read as a commit object (${record.type})`,
      );
    }
    counts.messages++;
    // Whether anything reached the engine or was skipped (an archive's entries included).
    let engaged = false;
    const quiet = watchedSink(sink, () => {
      engaged = true;
    });
    const data =
      record.data ??
      (record.pieces !== undefined && record.size <= COMMIT_OBJECT_MAX
        ? Buffer.concat(await collect(record.pieces))
        : undefined);
    if (data === undefined) {
      // Drained, never held: the stream must be read to the end before the next object.
      if (record.pieces !== undefined) await drain(record.pieces);
      const why =
        record.pieces === undefined
          ? 'over the size limit'
          : `over the ${COMMIT_OBJECT_MAX / 1024 / 1024} MiB up to which a commit object is read`;
      skipOnce(
        sink,
        `${COMMIT_OBJECT_PATH} ${commit.sha}`,
        'too-large',
        `${record.size} bytes, ${why}`,
        record.size,
      );
      return false;
    }
    const blank = data.indexOf('\n\n');
    const headerEnd = blank === -1 ? data.length : blank + 1;
    const body = blank === -1 ? data.length : blank + 2;
    const nul = data.indexOf(0, headerEnd);
    // A converted message is read both ways: its bytes as they are (ASCII under a header that
    // says UTF-16 is a key in any clone) and as git shows them (EBCDIC shows none as bytes).
    if (convertedByGit(data.subarray(0, headerEnd))) converted.push({ commit, rank });
    const message = reader.readText(
      data.subarray(body, nul === -1 ? data.length : Math.max(body, nul)),
      messageLabel(commit),
      quiet,
    );
    if (message.candidate) introduced(commit, COMMIT_MESSAGE_PATH, rank);
    const object = { path: COMMIT_OBJECT_PATH, commit: commitRef(commit) };
    const rest = reader.readText(
      data.subarray(0, nul === -1 ? headerEnd : data.length),
      object,
      quiet,
    );
    if (rest.candidate) introduced(commit, COMMIT_OBJECT_PATH, rank);
    if (nul !== -1) await reader.openContainer(data.subarray(nul + 1), object, quiet);
    // A skip reaches the sink too, so `engaged` covers it.
    return !engaged && !message.candidate && !rest.candidate;
  }

  /** Messages in another encoding, read as `git log` shows them (converted to UTF-8). */
  async function scanConverted(
    commits: readonly Converted[],
    sink: ScanSink,
    unclean: Set<string>,
  ): Promise<void> {
    const shown = await shownMessages(
      options.cwd,
      commits.map((c) => c.commit.sha),
    );
    for (const { commit, rank } of commits) {
      const text = shown.get(commit.sha);
      if (text === undefined) {
        throw new KeyguardError('GIT_FAILED', `git log did not show commit ${commit.sha}`);
      }
      let engaged = false;
      const quiet = watchedSink(sink, () => {
        engaged = true;
      });
      const r = reader.readText(Buffer.from(text, 'utf8'), messageLabel(commit), quiet);
      if (r.candidate) introduced(commit, COMMIT_MESSAGE_PATH, rank);
      if (engaged || r.candidate) unclean.add(commit.sha);
    }
  }

  function skipOnce(
    sink: ScanSink,
    path: string,
    reason: SkipReason,
    detail?: string,
    bytes?: number,
  ): void {
    const id = `${reason}\0${path}`;
    if (skippedPaths.has(id)) return;
    skippedPaths.add(id);
    sink.skip({
      path,
      reason,
      ...(detail === undefined ? {} : { detail }),
      ...(bytes === undefined ? {} : { bytes }),
    });
  }

  /**
   * The sink one blob is read through: counted once as a blob (however many paths bring it in),
   * and telling whether any of its text reached the engine or any part was skipped (an archive
   * entry that would not open): only a blob that did neither may be remembered across scans.
   */
  function blobSink(sink: ScanSink): { once: ScanSink; engaged: () => boolean } {
    let counted = false;
    let engaged = false;
    const once = watchedSink(
      sink,
      () => {
        engaged = true;
      },
      (bytes) => {
        if (counted) return;
        counted = true;
        counts.blobs++;
        counts.bytes += bytes;
        sink.read(bytes);
      },
    );
    return { once, engaged: () => engaged };
  }

  /** Reads one blob for each path that brought it in (the first decides whether it is clean). */
  async function scanBlob(record: BlobRecord, requests: readonly Request[], sink: ScanSink) {
    const { once, engaged } = blobSink(sink);
    for (const r of requests) {
      const label = {
        path: r.file.path,
        ...(r.file.pathBytes === undefined ? {} : { pathBytes: r.file.pathBytes }),
        blobId: record.id,
        commit: r.commit,
      };
      let result: ReadResult;
      if (record.data !== undefined) result = await reader.readBytes(record.data, label, once);
      else if (record.pieces !== undefined) {
        // A large blob arrives once, in pieces: it is scanned at the first path that brought it
        // in (the same content at other paths of this batch is the same secret).
        result = await reader.readPieces(record.pieces, label, once);
        if (result.candidate) {
          paths.add(r.file.path);
          engagedBlobs.add(record.id);
          intro.set(r.key, { rank: r.rank, commits: 1 });
          chunkKeys.set(`${r.commit.sha}\0${r.file.path}`, r.key);
        } else if (!result.skipped) {
          clean.add(record.id);
          if (!engaged()) remembered?.remember(record.id);
        }
        return;
      } else return;
      if (result.skipped) {
        skippedBlobs.add(record.id);
        return;
      }
      paths.add(r.file.path);
      if (!result.candidate) {
        // No keyword anywhere in these bytes: clean at every path, never read again.
        clean.add(record.id);
        if (!engaged()) remembered?.remember(record.id);
        return;
      }
      engagedBlobs.add(record.id);
      intro.set(r.key, { rank: r.rank, commits: 1 });
      chunkKeys.set(`${r.commit.sha}\0${r.file.path}`, r.key);
    }
  }

  async function flush(
    batch: readonly LoggedCommit[],
    firstRank: number,
    blobs: BlobReader,
    sink: ScanSink,
  ): Promise<void> {
    const byBlob = new Map<string, Request[]>();
    const repeats: string[] = [];
    const batchKeys = new Set<string>();
    // Commits that may be remembered once their blobs are read: message clean, no entry skipped.
    const candidates: LoggedCommit[] = [];
    let rank = firstRank;
    for (const commit of batch) {
      let whole = true;
      const ref = commitRef(commit);
      for (const file of commit.files) {
        // A symbolic link (120000) is read like a file: its blob is the link's text, which a
        // push or a clone carries like any other. Only a submodule's commit has no blob here.
        if (file.mode === GITLINK_MODE) {
          counts.submoduleEntries++;
          whole = false;
          continue;
        }
        if (clean.has(file.blob) || skippedBlobs.has(file.blob)) continue;
        if (remembered?.has(file.blob) === true) {
          // Read clean by an earlier scan with the same rules: nothing in it reaches the engine.
          clean.add(file.blob);
          counts.cachedBlobs++;
          continue;
        }
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
      if (whole) candidates.push(commit);
      rank++;
    }
    // Each commit's own object first (its message, headers, any text after a NUL), then the blobs.
    const unclean = new Set<string>();
    scanNames(batch, sink, unclean);
    const converted: Converted[] = [];
    let nth = 0;
    for await (const record of blobs.read([...batch.map((c) => c.sha), ...byBlob.keys()])) {
      if (nth < batch.length) {
        const commit = batch[nth] as LoggedCommit;
        if (!(await scanCommit(record, commit, firstRank + nth, sink, converted)))
          unclean.add(commit.sha);
        nth++;
        continue;
      }
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
          skipOnce(sink, r.file.path, 'missing', 'object not in the repository');
        continue;
      }
      if (record.data === undefined && record.pieces === undefined) {
        skippedBlobs.add(record.id);
        counts.largeBlobs++;
        for (const r of requests)
          skipOnce(
            sink,
            r.file.path,
            'too-large',
            `${record.size} bytes, over the size limit`,
            record.size,
          );
        continue;
      }
      await scanBlob(record, requests, sink);
    }
    if (converted.length > 0) await scanConverted(converted, sink, unclean);
    for (const key of repeats) {
      const known = intro.get(key);
      if (known !== undefined) known.commits++;
    }
    // A commit whose whole diff (no pathspec narrowed it) is remembered blobs need not be walked again.
    if (remembered !== undefined && (options.pathspecs ?? []).length === 0) {
      for (const commit of candidates) {
        if (!unclean.has(commit.sha) && commit.files.every((f) => remembered.has(f.blob)))
          remembered.rememberCommit(commit.sha);
      }
    }
  }

  /**
   * Whether an object a ref names was read already: by the walk (clean, skipped and listed, or
   * handed to the engine at a commit's path, where its findings are reported) or, clean, by an
   * earlier scan (the history cache). Each blob is read once, however many refs and commits name it.
   */
  function readBefore(id: string): boolean {
    if (clean.has(id) || skippedBlobs.has(id) || engagedBlobs.has(id)) return true;
    if (remembered?.has(id) !== true) return false;
    counts.cachedBlobs++;
    return true;
  }

  /**
   * The names of every path the batch's commits add or change, as text: a key pair can be a file's
   * name. Each name reaches the engine once per walk, at the first commit that lists it; every
   * commit that lists a name that may hold a finding is never remembered as clean (a later scan
   * of another range could start at it).
   */
  function scanNames(batch: readonly LoggedCommit[], sink: ScanSink, unclean: Set<string>): void {
    const labels: ReadLabel[] = [];
    const owners: LoggedCommit[] = [];
    for (const commit of batch) {
      const ref = commitRef(commit);
      for (const file of commit.files) {
        labels.push({
          path: file.path,
          ...(file.pathBytes === undefined ? {} : { pathBytes: file.pathBytes }),
          commit: ref,
        });
        owners.push(commit);
      }
    }
    for (const i of reader.nameCandidates(labels)) {
      const label = labels[i] as ReadLabel;
      unclean.add((owners[i] as LoggedCommit).sha);
      const key = label.pathBytes ?? `\0${label.path}`;
      if (namesRead.has(key)) continue;
      namesRead.add(key);
      reader.readName(label, sink);
    }
  }

  /**
   * Each object a ref names outside any commit's changes once (the first path given names it): an
   * annotated tag's whole text (its header and message, lines as in `git cat-file tag`), a blob.
   * No commit to blame; read like any blob, with the same size limit and skips. A tag read clean is
   * remembered by the history cache like a blob: its id names its bytes.
   */
  async function scanObjects(blobs: BlobReader, sink: ScanSink): Promise<void> {
    const byId = new Map<string, string>();
    for (const o of options.objects ?? []) if (!byId.has(o.id)) byId.set(o.id, o.path);
    counts.objects += byId.size;
    const unread = [...byId.keys()].filter((id) => !readBefore(id));
    for await (const record of blobs.read(unread)) {
      const path = byId.get(record.id) ?? record.id;
      if (record.type === 'missing') {
        if (options.allowPartial !== true) {
          throw new KeyguardError(
            'GIT_FAILED',
            `object ${record.id} (${path}) is missing from the repository; fetch it or pass --allow-partial`,
          );
        }
        counts.missingBlobs++;
        skippedBlobs.add(record.id);
        skipOnce(sink, path, 'missing', 'object not in the repository');
        continue;
      }
      const label = { path, blobId: record.id };
      // As for a commit's blob: only an object none of whose text reached the engine is remembered.
      const { once, engaged } = blobSink(sink);
      let result: ReadResult;
      // Awaited: an archive's entries are read after its raw bytes, and must be before the scan ends.
      if (record.data !== undefined) result = await reader.readBytes(record.data, label, once);
      else if (record.pieces !== undefined)
        result = await reader.readPieces(record.pieces, label, once);
      else {
        counts.largeBlobs++;
        skippedBlobs.add(record.id);
        skipOnce(sink, path, 'too-large', `${record.size} bytes, over the size limit`, record.size);
        continue;
      }
      paths.add(path);
      if (result.skipped) skippedBlobs.add(record.id);
      else if (result.candidate) engagedBlobs.add(record.id);
      else {
        clean.add(record.id);
        if (!engaged()) remembered?.remember(record.id);
      }
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
      // Commits the scan covers: walked, or remembered whole by the cache (commitsFromCache).
      commits: counts.commits + (options.commitsFromCache ?? 0),
      commitsInRange: options.total,
      files: paths.size,
      blobs: counts.blobs,
      ...(remembered === undefined ? {} : { blobsFromCache: counts.cachedBlobs }),
      bytes: counts.bytes,
      commitMessages: counts.messages,
      largeBlobsSkipped: counts.largeBlobs,
      ...(counts.missingBlobs === 0 ? {} : { missingBlobsSkipped: counts.missingBlobs }),
      ...(options.objects === undefined ? {} : { refObjects: counts.objects }),
      submoduleEntriesSkipped: counts.submoduleEntries,
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
    async read(sink: ScanSink): Promise<void> {
      const blobs = new BlobReader(
        options.cwd,
        options.read.maxFileSize ?? Number.POSITIVE_INFINITY,
        {
          buffered:
            options.total >= BUFFERED_FROM_COMMITS && (await gitHasBatchCommand(options.cwd)),
        },
      );
      let finished = false;
      try {
        reader.readNames(
          (options.names ?? []).map((path) => ({ path })),
          sink,
        );
        let batch: LoggedCommit[] = [];
        let files = 0;
        const report = () =>
          options.onProgress?.({
            commits: counts.commits,
            total: options.total,
            blobs: counts.blobs,
            bytes: counts.bytes,
          });
        const log = streamCommitLog(options.cwd, {
          revisions: options.revisions,
          ...(options.input === undefined ? {} : { input: options.input }),
          ...(options.commits === undefined ? {} : { commits: options.commits }),
          ...(options.pathspecs === undefined ? {} : { pathspecs: options.pathspecs }),
        });
        for await (const commit of readAhead(log, READ_AHEAD_COMMITS)) {
          batch.push(commit);
          files += commit.files.length;
          if (batch.length >= BATCH_COMMITS || files >= BATCH_FILES) {
            await flush(batch, counts.commits, blobs, sink);
            counts.commits += batch.length;
            batch = [];
            files = 0;
            report();
          }
        }
        if (batch.length > 0) {
          await flush(batch, counts.commits, blobs, sink);
          counts.commits += batch.length;
          report();
        }
        if (options.objects !== undefined) await scanObjects(blobs, sink);
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
        if (!finished) blobs.kill();
      }
      await blobs.close();
    },
  };
}
