import { createGunzip } from 'node:zlib';
import { type ArchiveInput, bounded, inputPieces, PIECE_BYTES } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { describeError } from './describe-error.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import { gzipMemberName } from './gzip-member-name.js';
import { meteredData } from './metered-data.js';
import { type Peeked, peekHead } from './peek-head.js';
import { pipeThrough } from './pipe-through.js';

/** Enough of the header to read a stored name (FNAME) of any sensible length. */
const HEADER_BYTES = 4096;

/**
 * A gzip stream as a container of one member, streamed through node:zlib. Concatenated members
 * are one stream (as gzip(1) reads them); data after the last member that is not another member
 * is reported unreadable, since bytes we could not interpret may hide anything.
 */
export async function* readGzip(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  let peeked: Peeked;
  try {
    peeked = await peekHead(inputPieces(input), HEADER_BYTES);
  } catch (error) {
    if (place.scope.stopped) return;
    yield {
      kind: 'skipped',
      name: '',
      reason: 'archive-unreadable',
      detail: `gzip: ${describeError(error)}`,
    };
    return;
  }
  const { head, all } = peeked;
  try {
    if (!place.budget.countEntry()) {
      yield entryLimitSkip(place);
      return;
    }
    let compressed = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const piece of all) {
        for (const part of bounded(piece)) {
          compressed += part.length;
          yield part;
        }
      }
    }
    yield {
      kind: 'member',
      name: gzipMemberName(head, place.name),
      open: (scope) =>
        meteredData(pipeThrough(counted(), createGunzip({ chunkSize: PIECE_BYTES })), {
          scope,
          budget: place.budget,
          compressedBytes: () => compressed,
          what: 'gzip stream',
        }),
    };
  } finally {
    await all.return(undefined);
  }
}
