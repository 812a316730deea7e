import { inflateSync } from 'node:zlib';
import { type ArchiveInput, inputPieces } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { decodeCap } from './decode-cap.js';
import { describeError } from './describe-error.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import { unreadable } from './unreadable-event.js';

const SIGNATURE_BYTES = 8;

/**
 * A PNG's compressed text chunks as members (issue 10: "an image's metadata"): `zTXt` and
 * compressed `iTXt` hold deflated text that the raw bytes do not show, so each is inflated (within
 * the file's limits) and handed out as `zTXt:<keyword>` / `iTXt:<keyword>`. `tEXt` and plain
 * `iTXt` are text in the raw bytes, scanned already. The PNG is read as a stream, chunk by chunk:
 * only a text chunk's bytes are held. A text chunk that is cut short or does not inflate is a skip;
 * the image data is no business of ours.
 */
export async function* readPng(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  const reader = new ChunkReader(inputPieces(input));
  try {
    if ((await reader.read(SIGNATURE_BYTES)) === undefined) return;
    for (;;) {
      const header = await reader.read(8);
      if (header === undefined) return;
      const length = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (type !== 'zTXt' && type !== 'iTXt') {
        if (!(await reader.skip(length + 4)) || type === 'IEND') return;
        continue;
      }
      const cap = decodeCap(place.budget, length, 'PNG text chunk');
      if (length > place.budget.limits.maxBufferedBytes) {
        yield { kind: 'skipped', name: type, ...cap.over() };
        if (!(await reader.skip(length + 4))) return;
        continue;
      }
      const data = await reader.read(length);
      if (data === undefined || !(await reader.skip(4))) {
        yield unreadable(`PNG ${type} chunk cut short: the file ends inside it`, type);
        return;
      }
      if (!place.budget.countEntry()) {
        yield entryLimitSkip(place);
        return;
      }
      yield* textChunk(type, data, place);
      if (place.budget.halted) return;
    }
  } catch (error) {
    if (place.scope.stopped) return;
    yield unreadable(`PNG: ${describeError(error)}`);
  } finally {
    await reader.close();
  }
}

function* textChunk(type: string, data: Buffer, place: ContainerPlace): Generator<ContainerEvent> {
  const keywordEnd = data.indexOf(0);
  const keyword = data.toString(
    'latin1',
    0,
    keywordEnd === -1 ? Math.min(79, data.length) : Math.min(79, keywordEnd),
  );
  const name = `${type}:${keyword}`;
  let compressed: Buffer | undefined;
  if (keywordEnd === -1) compressed = undefined;
  else if (type === 'zTXt') compressed = data.subarray(keywordEnd + 2);
  else if (data[keywordEnd + 1] === 1) {
    // iTXt: flag, method, language\0, translated keyword\0, text.
    const langEnd = data.indexOf(0, keywordEnd + 3);
    const transEnd = langEnd === -1 ? -1 : data.indexOf(0, langEnd + 1);
    compressed = transEnd === -1 ? undefined : data.subarray(transEnd + 1);
  } else return; // Uncompressed iTXt: its text is in the raw bytes.
  if (compressed === undefined) {
    yield unreadable(`PNG ${type} chunk malformed: its fields are not all there`, name);
    return;
  }
  const cap = decodeCap(place.budget, compressed.length, 'PNG text chunk');
  let text: Buffer;
  try {
    text = inflateSync(compressed, { maxOutputLength: cap.bytes + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      yield { kind: 'skipped', name, ...cap.over() };
    } else {
      yield unreadable(`PNG ${type} chunk does not inflate: ${describeError(error)}`, name);
    }
    return;
  }
  if (text.length > cap.bytes) {
    yield { kind: 'skipped', name, ...cap.over() };
    return;
  }
  place.budget.expanded += text.length;
  if (text.length === 0) return;
  yield { kind: 'member', name, open: () => once(text) };
}

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

/** Exact reads and skips over pieces arriving in order. */
class ChunkReader {
  readonly #source: AsyncIterator<Buffer>;
  #buffered: Buffer[] = [];
  #size = 0;
  #ended = false;

  constructor(pieces: AsyncIterable<Buffer>) {
    this.#source = pieces[Symbol.asyncIterator]();
  }

  /** `n` bytes, or undefined when the input ends first. */
  async read(n: number): Promise<Buffer | undefined> {
    if (!(await this.fill(n))) return undefined;
    const all =
      this.#buffered.length === 1 ? (this.#buffered[0] as Buffer) : Buffer.concat(this.#buffered);
    this.#buffered = all.length > n ? [all.subarray(n)] : [];
    this.#size -= n;
    return all.subarray(0, n);
  }

  /** Steps over `n` bytes without holding them; false when the input ends first. */
  async skip(n: number): Promise<boolean> {
    let left = n;
    for (;;) {
      while (left > 0 && this.#buffered.length > 0) {
        const first = this.#buffered[0] as Buffer;
        if (first.length <= left) {
          left -= first.length;
          this.#size -= first.length;
          this.#buffered.shift();
        } else {
          this.#buffered[0] = first.subarray(left);
          this.#size -= left;
          left = 0;
        }
      }
      if (left === 0) return true;
      if (!(await this.pull())) return false;
    }
  }

  async close(): Promise<void> {
    await this.#source.return?.();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.#size < n) if (!(await this.pull())) return false;
    return true;
  }

  private async pull(): Promise<boolean> {
    if (this.#ended) return false;
    const next = await this.#source.next();
    if (next.done === true) {
      this.#ended = true;
      return false;
    }
    this.#buffered.push(next.value);
    this.#size += next.value.length;
    return true;
  }
}
