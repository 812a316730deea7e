import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitBlobId } from '../git/blob-id.js';
import { BlobReader } from '../git/blob-reader.js';
import {
  GITLINK_MODE,
  isNullId,
  readStagedChanges,
  type StagedChange,
  SYMLINK_MODE,
} from '../git/staged-changes.js';
import type { Chunk } from '../model/chunk.js';
import type { Source, SourceItem } from '../model/source.js';
import { bufferItem } from './read-file-item.js';

export interface StagedSourceOptions {
  /** Anywhere inside the work tree; git is run here with the inherited environment. */
  readonly cwd: string;
  readonly maxFileSize: number;
  readonly mayMatch?: (buf: Buffer) => boolean;
  /** Changes already read (the CLI's fast path reads them once). */
  readonly changes?: readonly StagedChange[];
  /**
   * The work tree's top folder: a staged file whose work-tree bytes hash to the staged blob id is
   * read from there instead of through git (the common case, and one process fewer in the hook).
   * The id check means the bytes scanned are the staged ones, whatever happened on disk.
   */
  readonly workTree?: string;
}

/** The staged blob's bytes from the work tree, when the file there is exactly that blob. */
function readIfStaged(top: string, change: StagedChange, maxFileSize: number): Buffer | undefined {
  try {
    const abs = join(top, change.path);
    const stat = lstatSync(abs);
    if (!stat.isFile() || stat.size > maxFileSize) return undefined;
    const data = readFileSync(abs);
    return gitBlobId(data, change.blob.length) === change.blob ? data : undefined;
  } catch {
    // Gone, unreadable, or changed type: git has the staged version.
    return undefined;
  }
}

/**
 * The pre-commit source: every blob the next commit adds or changes, read from the index (never
 * the working tree), each a whole-file chunk whose `reportable` lines are the added ones so pairing
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
    async *items(): AsyncIterable<SourceItem> {
      const changes = options.changes ?? (await readStagedChanges(options.cwd));
      counts.paths = changes.length;
      const wanted: StagedChange[] = [];
      for (const c of changes) {
        if (c.status === 'U') {
          // git refuses to commit unresolved conflicts; say so rather than count a deletion.
          counts.skipped++;
          yield { skipped: { path: c.path, reason: 'unreadable', detail: 'unmerged' } };
          continue;
        }
        if (c.status === 'D' || isNullId(c.blob)) {
          counts.deleted++;
          continue;
        }
        if (c.newMode === GITLINK_MODE) {
          counts.skipped++;
          yield {
            skipped: {
              path: c.path,
              reason: 'submodule',
              detail: 'submodule commits are not scanned',
            },
          };
          continue;
        }
        if (c.newMode === SYMLINK_MODE) {
          counts.skipped++;
          yield { skipped: { path: c.path, reason: 'symlink' } };
          continue;
        }
        wanted.push(c);
      }
      const toItem = (change: StagedChange, data: Buffer): SourceItem => {
        const item = bufferItem(data, change.path, {
          source: 'staged',
          maxFileSize: options.maxFileSize,
          ...(options.mayMatch === undefined ? {} : { mayMatch: options.mayMatch }),
        });
        if ('skipped' in item) {
          counts.skipped++;
          return item;
        }
        counts.scanned++;
        // Without a line diff (binary attribute on text) every line counts as new: fail closed.
        const chunk: Chunk = {
          ...item.chunk,
          blobId: change.blob,
          ...(change.binaryDiff ? {} : { reportable: change.added }),
        };
        return { chunk };
      };
      const fromGit: StagedChange[] = [];
      for (const change of wanted) {
        const data =
          options.workTree === undefined
            ? undefined
            : readIfStaged(options.workTree, change, options.maxFileSize);
        if (data === undefined) fromGit.push(change);
        else yield toItem(change, data);
      }
      if (fromGit.length === 0) return;
      const reader = new BlobReader(options.cwd, options.maxFileSize);
      let finished = false;
      try {
        let i = 0;
        for await (const record of reader.read(fromGit.map((c) => c.blob))) {
          const change = fromGit[i++];
          if (change === undefined) break;
          if (record.data === undefined) {
            counts.skipped++;
            yield {
              skipped:
                record.type === 'missing'
                  ? { path: change.path, reason: 'missing', detail: 'blob not in the repository' }
                  : { path: change.path, reason: 'too-large', detail: `${record.size} bytes` },
            };
            continue;
          }
          yield toItem(change, record.data);
        }
        finished = true;
      } finally {
        // An error, or a consumer that stopped early: git must not outlive the scan.
        if (!finished) reader.kill();
      }
      await reader.close();
    },
  };
}
