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
  /** A cat-file process started early (the hook path overlaps it with the diff); closed here. */
  readonly reader?: BlobReader;
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
      if (wanted.length === 0) {
        await options.reader?.close();
        return;
      }
      const reader = options.reader ?? new BlobReader(options.cwd, options.maxFileSize);
      let finished = false;
      try {
        let i = 0;
        for await (const record of reader.read(wanted.map((c) => c.blob))) {
          const change = wanted[i++];
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
          const item = bufferItem(record.data, change.path, {
            source: 'staged',
            maxFileSize: options.maxFileSize,
            ...(options.mayMatch === undefined ? {} : { mayMatch: options.mayMatch }),
          });
          if ('skipped' in item) {
            counts.skipped++;
            yield item;
            continue;
          }
          counts.scanned++;
          // Without a line diff (binary attribute on text) every line counts as new: fail closed.
          const chunk: Chunk = {
            ...item.chunk,
            blobId: change.blob,
            ...(change.binaryDiff ? {} : { reportable: change.added }),
          };
          yield { chunk };
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
