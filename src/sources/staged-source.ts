import { lstatSync, readFileSync } from 'node:fs';
import { gitBlobId } from '../git/blob-id.js';
import { BlobReader, STREAM_ABOVE } from '../git/blob-reader.js';
import {
  GITLINK_MODE,
  isNullId,
  readStagedChanges,
  type StagedChange,
} from '../git/staged-changes.js';
import type { ScanSink, Source } from '../model/source.js';
import { ContentReader, type ReaderOptions, type ReadLabel } from './content-reader.js';
import { joinBytes } from './target-set.js';

export interface StagedSourceOptions {
  /** Anywhere inside the work tree; git is run here with the inherited environment. */
  readonly cwd: string;
  readonly read: Omit<ReaderOptions, 'source'>;
  /** Changes already read (the CLI reads them once). */
  readonly changes?: readonly StagedChange[];
  /**
   * The work tree's top folder: a staged file whose work-tree bytes hash to the staged blob id is
   * read from there instead of through git (the common case, and one process fewer in the hook).
   * The id check means the bytes scanned are the staged ones, whatever happened on disk.
   */
  readonly workTree?: string;
}

/** The staged blob's bytes from the work tree, when the file there is exactly that blob. */
function readIfStaged(top: string, change: StagedChange): Buffer | undefined {
  try {
    const abs = joinBytes(top, change.pathBuffer);
    const stat = lstatSync(abs);
    // Large files come through git in pieces instead: memory stays flat.
    if (!stat.isFile() || stat.size > STREAM_ABOVE) return undefined;
    const data = readFileSync(abs);
    return gitBlobId(data, change.blob.length) === change.blob ? data : undefined;
  } catch {
    // Gone, unreadable, or changed type: git has the staged version.
    return undefined;
  }
}

/**
 * The pre-commit source: every blob the next commit adds or changes, read from the index (never
 * the working tree), each read whole, with `reportable` lines set to the added ones so pairing
 * still sees the unchanged neighbours.
 */
export function createStagedSource(options: StagedSourceOptions): Source {
  const counts = { paths: 0, scanned: 0, deleted: 0, skipped: 0 };
  return {
    coverage: () => ({
      target: 'index',
      stagedPaths: counts.paths,
      blobsScanned: counts.scanned,
      deletions: counts.deleted,
      skipped: counts.skipped,
    }),
    async read(sink: ScanSink): Promise<void> {
      const changes = options.changes ?? (await readStagedChanges(options.cwd));
      counts.paths = changes.length;
      const reader = new ContentReader({ ...options.read, source: 'staged' });
      const wanted: StagedChange[] = [];
      const where = (c: StagedChange) => ({
        path: c.path,
        ...(c.pathBytes === undefined ? {} : { pathBytes: c.pathBytes }),
      });
      // Every name the next commit writes is text a key can be written in: an empty file, a
      // submodule or an unmerged path carries its name into git as any file does.
      reader.readNames(
        changes.filter((c) => c.status !== 'D' && !isNullId(c.blob)).map(where),
        sink,
      );
      for (const c of changes) {
        if (c.status === 'U') {
          // git refuses to commit unresolved conflicts; say so rather than count a deletion.
          counts.skipped++;
          sink.skip({ ...where(c), reason: 'unreadable', detail: 'unmerged' });
          continue;
        }
        if (c.status === 'D' || isNullId(c.blob)) {
          counts.deleted++;
          continue;
        }
        // A symbolic link (120000) is not passed over: its blob is the link's text, pushed and
        // cloned like any file's, and read below like one. Nothing it points to is ever opened.
        if (c.newMode === GITLINK_MODE) {
          counts.skipped++;
          sink.skip({ ...where(c), reason: 'submodule', detail: 'a commit of another repository' });
          continue;
        }
        wanted.push(c);
      }
      // Without a line diff (binary attribute on text) every line counts as new: fail closed. So
      // does every line of a renamed or copied file: a key that an allowlist or baseline accepted
      // at its old path (a test fixture) is not accepted at the new one (production config), and
      // tree, history and pre-push all report it there; the hook must not pass it as "unchanged".
      const everyLine = (c: StagedChange) => c.binaryDiff || c.status === 'R' || c.status === 'C';
      const label = (c: StagedChange): ReadLabel => ({
        ...where(c),
        blobId: c.blob,
        ...(everyLine(c) ? {} : { reportable: c.added }),
      });
      const fromGit: StagedChange[] = [];
      for (const change of wanted) {
        const data =
          options.workTree === undefined ? undefined : readIfStaged(options.workTree, change);
        if (data === undefined) {
          fromGit.push(change);
          continue;
        }
        const r = await reader.readBytes(data, label(change), sink);
        if (r.skipped) counts.skipped++;
        else counts.scanned++;
      }
      if (fromGit.length === 0) return;
      const blobs = new BlobReader(
        options.cwd,
        options.read.maxFileSize ?? Number.POSITIVE_INFINITY,
      );
      let finished = false;
      try {
        let i = 0;
        for await (const record of blobs.read(fromGit.map((c) => c.blob))) {
          const change = fromGit[i++];
          if (change === undefined) break;
          let skipped = false;
          if (record.data !== undefined) {
            skipped = (await reader.readBytes(record.data, label(change), sink)).skipped;
          } else if (record.pieces !== undefined) {
            skipped = (await reader.readPieces(record.pieces, label(change), sink)).skipped;
          } else {
            skipped = true;
            sink.skip(
              record.type === 'missing'
                ? { ...where(change), reason: 'missing', detail: 'blob not in the repository' }
                : {
                    ...where(change),
                    reason: 'too-large',
                    detail: `${record.size} bytes, over the size limit`,
                    bytes: record.size,
                  },
            );
          }
          if (skipped) counts.skipped++;
          else counts.scanned++;
        }
        finished = true;
      } finally {
        // An error, or a consumer that stopped early: git must not outlive the scan.
        if (!finished) blobs.kill();
      }
      await blobs.close();
    },
  };
}
