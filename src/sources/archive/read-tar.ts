import { type Extract, extract as tarExtract } from 'tar-stream';
import { type ArchiveInput, inputPieces } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { describeError } from './describe-error.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import type { MemberScope } from './member-scope.js';
import { StreamPuller } from './stream-puller.js';
import { unreadable } from './unreadable-event.js';

/**
 * A tar stream (POSIX, GNU, pax) parsed by tar-stream, one entry at a time. Every entry that
 * carries bytes is a member, whatever its type says (a "symlink" holding data is scanned like a
 * file; nothing is ever followed); directories and empty entries carry none. A fault anywhere (a
 * bad header, data that ends inside an entry) ends the tar with one skip for the tar itself.
 */
export async function* readTar(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  // Unknown-format headers (pre-POSIX tars) are still checksummed, so garbage is still refused.
  const parser = tarExtract({ allowUnknownFormat: true } as Parameters<typeof tarExtract>[0]);
  // The iterator below also listens; this one keeps a late error from being unhandled.
  parser.on('error', () => {});
  const feeding = feed(inputPieces(input), parser);
  const entries = parser[Symbol.asyncIterator]();
  let count = 0;
  try {
    for (;;) {
      const next = await entries.next();
      if (next.done === true) return;
      count += 1;
      if (!place.budget.countEntry()) {
        yield entryLimitSkip(place);
        return;
      }
      const entry = next.value;
      // tar-stream gives a directory's declared bytes no stream (it parses them as headers).
      if (entry.header.type === 'directory' || !(entry.header.size > 0)) continue;
      const puller = new StreamPuller(entry);
      yield {
        kind: 'member',
        name: entry.header.name,
        open: (scope) => entryData(puller, scope),
      };
      // What the consumer left unread is skipped over, so the parser reaches the next header.
      while ((await puller.next()) !== undefined) {}
    }
  } catch (error) {
    if (place.scope.stopped) return;
    yield unreadable(`tar unreadable after ${count} entries: ${describeError(error)}`);
  } finally {
    parser.destroy();
    await feeding;
  }
}

/**
 * An entry's bytes. A fault here breaks the whole tar, which the reader reports once; the member
 * is stopped without a skip of its own so that readers nested in it end quietly.
 */
async function* entryData(puller: StreamPuller, scope: MemberScope): AsyncGenerator<Buffer> {
  for (;;) {
    let piece: Buffer | undefined;
    try {
      piece = await puller.next();
    } catch {
      throw scope.stop();
    }
    if (piece === undefined) return;
    yield piece;
  }
}

/** Writes the input into the parser as it asks for it; an input error destroys the parser with it. */
async function feed(pieces: AsyncIterable<Buffer>, parser: Extract): Promise<void> {
  try {
    for await (const piece of pieces) {
      if (parser.destroyed) return;
      if (!parser.write(piece)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            parser.off('drain', done);
            parser.off('close', done);
            resolve();
          };
          parser.on('drain', done);
          parser.on('close', done);
        });
      }
    }
    if (!parser.destroyed) parser.end(undefined);
  } catch (error) {
    parser.destroy(error as Error);
  }
}
