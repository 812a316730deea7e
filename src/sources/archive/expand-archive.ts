import type { ArchiveInput } from './archive-input.js';
import type { ArchiveItem, ArchiveSkip } from './archive-item.js';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './archive-limits.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { ExpansionBudget } from './expansion-budget.js';
import { MemberScope } from './member-scope.js';
import { isOfficeTextPart, officeText } from './office-text.js';
import { peekHead } from './peek-head.js';
import { readGitPack, readZlib } from './read-git-objects.js';
import { readGzip } from './read-gzip.js';
import { readPdf } from './read-pdf.js';
import { readPng } from './read-png.js';
import { readTar } from './read-tar.js';
import { readZip } from './read-zip.js';
import { type ArchiveFormat, SNIFF_BYTES, sniffArchive } from './sniff-archive.js';
import { sniffUnopened, unopenedDetail } from './sniff-unopened.js';

export interface ExpandOptions {
  /** Overrides of `DEFAULT_ARCHIVE_LIMITS`, one by one. */
  readonly limits?: Partial<ArchiveLimits>;
  /**
   * The top-level file's name (its last path segment is enough). Only gzip uses it, to label what
   * it holds when its header stores no name: `logs.tgz` → `logs.tar`, `app.log.gz` → `app.log`.
   */
  readonly name?: string;
  /**
   * Where the raw bytes of a container nested in another go (the tar in a `.tgz`, a zip in a
   * `.gz` or a jar in a war), by the container's path. A top-level file's raw bytes are scanned
   * before it is expanded; a nested one's exist only as they are decompressed from its parent, so
   * they are handed over piece by piece as its reader pulls them, and the rest after it. Without
   * this, what lies outside a nested container's entries (a pax header, a zip comment, data after
   * a tar's end) is never seen.
   */
  readonly containerBytes?: (path: string) => ContainerBytes;
}

/** A nested container's raw bytes, pushed as they are read; `finish` once there are no more. */
export interface ContainerBytes {
  push(piece: Buffer): void;
  finish(): void;
}

/**
 * The leaf entries of an archive, nested archives opened (by their magic bytes) up to
 * `maxDepth`, as `entry` items to scan and `skipped` items to report. See index.ts for the
 * contract. Never throws for bad data; an error out of it is a bug.
 */
export async function* expandArchive(
  format: ArchiveFormat,
  input: ArchiveInput,
  options: ExpandOptions = {},
): AsyncGenerator<ArchiveItem> {
  const limits = resolveLimits(options.limits);
  const budget = new ExpansionBudget(limits);
  const root = new MemberScope('', undefined);
  yield* expandContainer(
    format,
    input,
    {
      path: '',
      name: options.name ?? '',
      depth: 1,
      scope: root,
      budget,
    },
    options.containerBytes,
  );
}

function resolveLimits(overrides: Partial<ArchiveLimits> | undefined): ArchiveLimits {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    // Infinity is allowed (a limit switched off); anything else must be a positive number.
    if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
      throw new RangeError(`archive limit ${key} must be a positive number`);
    }
  }
  return limits;
}

function openContainer(
  format: ArchiveFormat,
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  switch (format) {
    case 'zip':
      return readZip(input, place);
    case 'tar':
      return readTar(input, place);
    case 'gzip':
      return readGzip(input, place);
    case 'pdf':
      return readPdf(input, place);
    case 'png':
      return readPng(input, place);
    case 'git-pack':
      return readGitPack(input, place);
    case 'zlib':
      return readZlib(input, place);
  }
}

async function* expandContainer(
  format: ArchiveFormat,
  input: ArchiveInput,
  place: ContainerPlace,
  bytes: ExpandOptions['containerBytes'],
): AsyncGenerator<ArchiveItem> {
  for await (const event of openContainer(format, input, place)) {
    if (event.kind === 'skipped') {
      yield {
        kind: 'skipped',
        path: join(place.path, event.name),
        reason: event.reason,
        detail: event.detail,
      };
    } else {
      yield* expandMember(event.name, event.open, place, bytes);
      if (event.reopens === true && isOfficeTextPart(event.name) && !place.budget.halted) {
        yield* officeTextView(event.name, event.open, place);
      }
    }
    if (place.budget.halted) return;
  }
}

/** One member: a leaf to hand out, a nested archive to open, or a skip. */
async function* expandMember(
  name: string,
  open: (scope: MemberScope) => AsyncIterable<Buffer>,
  place: ContainerPlace,
  bytes: ExpandOptions['containerBytes'],
): AsyncGenerator<ArchiveItem> {
  const path = join(place.path, name);
  const scope = new MemberScope(path, place.scope);
  let all: AsyncGenerator<Buffer> | undefined;
  try {
    const peeked = await peekHead(open(scope), SNIFF_BYTES);
    all = peeked.all;
    const nested = peeked.head.length === 0 ? undefined : sniffArchive(peeked.head);
    if (peeked.head.length === 0) {
      // Nothing to scan: an empty file, a directory with a zip's empty deflate stream.
    } else if (nested === undefined) {
      const data = new EntryData(all);
      yield { kind: 'entry', path, data };
      data.close();
      // xz, zstd, 7z…: its raw bytes were handed out, what it holds cannot be read.
      const unopened = sniffUnopened(peeked.head);
      if (unopened !== undefined)
        yield {
          kind: 'skipped',
          path,
          reason: 'archive-unreadable',
          detail: unopenedDetail(unopened),
        };
    } else if (place.depth >= place.budget.limits.maxDepth) {
      yield depthSkip(path, nested, place);
    } else {
      const inner = { path, name, depth: place.depth + 1, scope, budget: place.budget };
      yield* expandNested(nested, all, inner, bytes);
    }
  } catch (error) {
    if (!MemberScope.isStop(error)) throw error;
  } finally {
    await leave(all);
  }
  if (scope.skip !== undefined) yield scope.skip;
}

/**
 * A container met as a member: its raw bytes go to `bytes` as its reader pulls them, then what
 * the reader left unread (data after a tar's end, a zip too large to hold), under the same limits.
 */
async function* expandNested(
  format: ArchiveFormat,
  all: AsyncGenerator<Buffer>,
  place: ContainerPlace,
  bytes: ExpandOptions['containerBytes'],
): AsyncGenerator<ArchiveItem> {
  const raw = bytes?.(place.path);
  if (raw === undefined) {
    yield* expandContainer(format, { kind: 'stream', pieces: all }, place, bytes);
    return;
  }
  let open = true;
  // A piece a reader asked for just before it ended can arrive after `finish`: dropped then.
  const tap = (piece: Buffer): void => {
    if (open) raw.push(piece);
  };
  try {
    yield* expandContainer(format, { kind: 'stream', pieces: tapped(all, tap) }, place, bytes);
    // A halt (a per-file limit) or a stop (this member's limit or fault) reads no more.
    while (!place.budget.halted && !place.scope.stopped) {
      const next = await all.next();
      if (next.done === true) break;
      tap(next.value);
    }
  } finally {
    open = false;
    raw.finish();
  }
}

/**
 * An Office part read a second time with its markup taken out (office-text.ts), as
 * `part.xml!text`: a key cut into runs by the editor is whole there. A finding in it stands for
 * the raw part's own, which the report drops as an echo of the same key (apply-filters.ts).
 */
async function* officeTextView(
  name: string,
  open: (scope: MemberScope) => AsyncIterable<Buffer>,
  place: ContainerPlace,
): AsyncGenerator<ArchiveItem> {
  const path = join(join(place.path, name), 'text');
  const scope = new MemberScope(path, place.scope);
  const text = officeText(open(scope));
  const data = new EntryData(text);
  try {
    yield { kind: 'entry', path, data };
  } finally {
    data.close();
    await leave(text);
  }
  if (scope.skip !== undefined) yield scope.skip;
}

/**
 * A member's pieces as a nested reader pulls them, each handed to `tap` on the way. Leaving early
 * does not close the member: what the reader left is read after it.
 */
function tapped(
  source: AsyncIterator<Buffer>,
  tap: (piece: Buffer) => void,
): AsyncIterable<Buffer> {
  return {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<Buffer>> {
        const next = await source.next();
        if (next.done !== true) tap(next.value);
        return next;
      },
      async return(): Promise<IteratorResult<Buffer>> {
        return { done: true, value: undefined };
      },
    }),
  };
}

/** Closes a member's stream; a stop raised while closing is already recorded on its scope. */
async function leave(all: AsyncGenerator<Buffer> | undefined): Promise<void> {
  try {
    await all?.return(undefined);
  } catch (error) {
    if (!MemberScope.isStop(error)) throw error;
  }
}

function depthSkip(path: string, format: ArchiveFormat, place: ContainerPlace): ArchiveSkip {
  return {
    kind: 'skipped',
    path,
    reason: 'archive-limit',
    detail: `nesting limit ${place.budget.limits.maxDepth} reached: this ${format} archive would be level ${place.depth + 1}; it was not opened`,
  };
}

/** A member's label; '' (the container itself) leaves the container's own label. */
function join(prefix: string, name: string): string {
  if (name === '') return prefix;
  return prefix === '' ? name : `${prefix}!${name}`;
}

/**
 * A leaf's content for the consumer: read once, ending quietly when reading stops (the reason
 * follows as a `skipped` item), and finished once the consumer asks for the next item.
 */
class EntryData implements AsyncIterable<Buffer> {
  #source: AsyncIterable<Buffer> | undefined;
  #closed = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source;
  }

  close(): void {
    this.#closed = true;
    this.#source = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const source = this.#source;
    this.#source = undefined;
    if (source === undefined) return;
    try {
      for await (const piece of source) {
        if (this.#closed) return;
        yield piece;
      }
    } catch (error) {
      if (!MemberScope.isStop(error)) throw error;
    }
  }
}
