import { type ArchiveInput, inputPieces } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { describeError } from './describe-error.js';
import { formatSize } from './format-size.js';
import { unreadable } from './unreadable-event.js';

/** A container read whole into memory, and how much of the buffering budget it holds. */
export type Held =
  | { readonly kind: 'held'; readonly data: Buffer; readonly counted: number }
  | { readonly kind: 'skip'; readonly event: ContainerEvent }
  /** The member it came from stopped: that layer reports why. */
  | { readonly kind: 'stopped' };

/**
 * Reads a container that needs random access (a PDF) into memory. Bytes already in memory are
 * used as they are. A file on disk may be as large as `fileCap`; a stream (a member of another
 * container) counts against `maxBufferedBytes` like a nested zip, released by the caller.
 */
export async function holdInput(
  input: ArchiveInput,
  place: ContainerPlace,
  what: string,
  fileCap: number,
): Promise<Held> {
  const { budget } = place;
  if (input.kind === 'buffer') return { kind: 'held', data: input.data, counted: 0 };
  // A file on disk is held apart from the buffering budget, which is for members of other containers.
  const onDisk = input.kind === 'file';
  const cap = onDisk ? fileCap : budget.limits.maxBufferedBytes - budget.buffered;
  const pieces: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of inputPieces(input)) {
      size += piece.length;
      if (size > cap) {
        const where = onDisk ? what : `${what} inside another archive`;
        return { kind: 'skip', event: tooBig(where, Math.max(0, cap)) };
      }
      pieces.push(piece);
    }
  } catch (error) {
    if (place.scope.stopped) return { kind: 'stopped' };
    return { kind: 'skip', event: unreadable(`${what}: ${describeError(error)}`) };
  }
  const counted = onDisk ? 0 : size;
  budget.buffered += counted;
  return { kind: 'held', data: Buffer.concat(pieces, size), counted };
}

function tooBig(what: string, cap: number): ContainerEvent {
  return {
    kind: 'skipped',
    name: '',
    reason: 'archive-limit',
    detail: `a ${what} is read whole into memory, and this one is over the ${formatSize(cap)} it may take; what it holds was not opened (its raw bytes were scanned)`,
  };
}
