import { open } from 'node:fs/promises';
import { type ArchiveInput, inputPieces } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { describeError } from './describe-error.js';
import { formatSize } from './format-size.js';

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
  if (input.kind === 'file') {
    try {
      const handle = await open(input.path, 'r');
      try {
        const { size } = await handle.stat();
        if (size > fileCap) return { kind: 'skip', event: tooBig(what, size, fileCap) };
        return { kind: 'held', data: await handle.readFile(), counted: 0 };
      } finally {
        await handle.close();
      }
    } catch (error) {
      return { kind: 'skip', event: unreadable(`${what}: ${describeError(error)}`) };
    }
  }
  const pieces: Buffer[] = [];
  let size = 0;
  try {
    for await (const piece of inputPieces(input)) {
      size += piece.length;
      if (budget.buffered + size > budget.limits.maxBufferedBytes) {
        return {
          kind: 'skip',
          event: tooBig(
            `${what} inside another archive`,
            size,
            budget.limits.maxBufferedBytes - budget.buffered,
          ),
        };
      }
      pieces.push(piece);
    }
  } catch (error) {
    if (place.scope.stopped) return { kind: 'stopped' };
    return { kind: 'skip', event: unreadable(`${what}: ${describeError(error)}`) };
  }
  budget.buffered += size;
  return { kind: 'held', data: Buffer.concat(pieces, size), counted: size };
}

function tooBig(what: string, size: number, cap: number): ContainerEvent {
  return {
    kind: 'skipped',
    name: '',
    reason: 'archive-limit',
    detail: `a ${what} is read whole into memory, and this one (${size > cap ? 'over ' : ''}${formatSize(size)}) is over the ${formatSize(Math.max(0, cap))} it may take; what it holds was not opened (its raw bytes were scanned)`,
  };
}

function unreadable(detail: string): ContainerEvent {
  return { kind: 'skipped', name: '', reason: 'archive-unreadable', detail };
}
