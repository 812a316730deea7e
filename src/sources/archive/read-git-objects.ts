import { constants, inflateSync } from 'node:zlib';
import { type ArchiveInput, inputPieces } from './archive-input.js';
import type { ContainerEvent, ContainerPlace } from './container-event.js';
import { decodeCap } from './decode-cap.js';
import { describeError } from './describe-error.js';
import { entryLimitSkip } from './entry-limit-skip.js';
import { type Known, Remembered, WaitingDeltas } from './git-pack-bases.js';
import { holdInput } from './hold-input.js';
import { type Peeked, peekHead } from './peek-head.js';
import { unreadable } from './unreadable-event.js';

const MiB = 1024 * 1024;
/**
 * A pack or zlib file on disk is read whole (an object's end is known only by inflating it): up
 * to this, or the expanded-size limit if lower. A larger pack is an `archive-limit` skip: its
 * repository's history is `keyguard history`'s to read, with flat memory.
 */
const OBJECTS_FILE_BYTES = 64 * MiB;
const TYPES = ['', 'commit', 'tree', 'blob', 'tag', '', 'delta', 'delta'] as const;
const OFS_DELTA = 6;
const REF_DELTA = 7;
/** A pack ends with the checksum of what comes before it (SHA-1; SHA-256 repositories: 32). */
const TRAILER_BYTES = 20;

/** A zlib stream's two header bytes: deflate, a window git and zlib write, the check bits right. */
function zlibHeaderAt(data: Buffer, at: number): boolean {
  const cmf = data[at];
  const flg = data[at + 1];
  return cmf === 0x78 && flg !== undefined && ((cmf << 8) | flg) % 31 === 0;
}

/**
 * One zlib stream inflated whole from `at`, within the file's limits: the output and how many
 * input bytes it took, or why not.
 */
function inflateAt(
  data: Buffer,
  at: number,
  place: ContainerPlace,
  what: string,
  expected?: number,
):
  | { readonly out: Buffer; readonly used: number }
  | { readonly skip: { reason: 'archive-limit' | 'archive-unreadable'; detail: string } } {
  const cap = decodeCap(place.budget, data.length - at, what);
  const bound = expected === undefined ? cap.bytes : Math.min(cap.bytes, expected);
  try {
    const { buffer, engine } = inflateSync(data.subarray(at), {
      maxOutputLength: bound + 1,
      info: true,
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    if (buffer.length > cap.bytes) return { skip: cap.over() };
    return { out: buffer, used: engine.bytesWritten };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      if (expected === undefined || expected > cap.bytes) return { skip: cap.over() };
      return {
        skip: {
          reason: 'archive-unreadable',
          detail: `${what} inflates to more than the ${expected} bytes its header says`,
        },
      };
    }
    return {
      skip: {
        reason: 'archive-unreadable',
        detail: `${what} does not inflate: ${describeError(error)}`,
      },
    };
  }
}

/** Bytes looked at to tell a zlib stream from text that starts like one. */
const PROBE_BYTES = 64 * 1024;

/** Whether bytes inflate as the start of a zlib stream (cut short is fine, wrong is not). */
function startsInflating(head: Buffer): boolean {
  try {
    inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1024 * 1024 });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
  }
}

async function* once(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

/**
 * A git pack (`.git/objects/pack/*.pack`, or a bundle's pack) as members: each object inflated,
 * `blob@<offset>` (commit, tree, tag alike). A delta (instructions to copy ranges of a base and
 * insert bytes) is applied to its base, so the whole version is scanned (`blob@<offset>`) and a key
 * whose label the delta copies from a redacted version is whole: a base read before it and still
 * remembered (the last 64 MiB of content), by offset or by id (ids are computed as git does once a
 * delta names one), or a base read after it (a fetched thin pack has the bases it lacked appended
 * at its end), the delta held until then. A delta whose base never comes (a bundle made with
 * prerequisites), was forgotten, or does not fit is a skip, its inserted bytes still handed out
 * joined (`delta@<offset>`; a line break where a copy came between). Any object that cannot be read
 * is a skip, and so is the rest of the pack, since where an object ends is known only by inflating it.
 */
export function readGitPack(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  return whileHeld(input, place, 'git pack', (data) => packOrBundle(data, place));
}

/** A pack, or a bundle's pack after its header (ref lines, then a blank line). */
function* packOrBundle(data: Buffer, place: ContainerPlace): Generator<ContainerEvent> {
  if (data.toString('latin1', 0, 4) === 'PACK') {
    yield* packObjects(data, place);
    return;
  }
  const blank = data.indexOf('\n\n');
  const pack = blank === -1 ? -1 : blank + 2;
  if (
    pack === -1 ||
    data.toString('latin1', pack, pack + 4) !== 'PACK' ||
    data.length < pack + 12
  ) {
    yield unreadable('git bundle: no pack after its header');
    return;
  }
  yield* packObjects(data.subarray(pack), place);
}

/** `input` held whole (up to OBJECTS_FILE_BYTES) while `read` reads it; a hold it cannot take is a skip. */
async function* whileHeld(
  input: ArchiveInput,
  place: ContainerPlace,
  what: string,
  read: (data: Buffer) => Iterable<ContainerEvent>,
): AsyncGenerator<ContainerEvent> {
  const { budget } = place;
  const held = await holdInput(
    input,
    place,
    what,
    Math.min(OBJECTS_FILE_BYTES, budget.limits.maxTotalBytes),
  );
  if (held.kind === 'stopped') return;
  if (held.kind === 'skip') {
    yield held.event;
    return;
  }
  try {
    yield* read(held.data);
  } finally {
    budget.buffered -= held.counted;
  }
}

/** Objects a delta may name as its base remember this much content, the latest kept. */
const REMEMBERED_BYTES = 64 * 1024 * 1024;

/** What one object's header says: its type, size, where its zlib data starts, and its base. */
type ObjectHead =
  | {
      readonly type: number;
      readonly size: number;
      readonly data: number;
      /** A delta's base: where it starts (OFS_DELTA), or its id (REF_DELTA). */
      readonly base?: { readonly offset: number } | { readonly id: string };
    }
  | { readonly fault: ContainerEvent };

/** The header of the object at `start`: a type-and-size varint, then a delta's base. */
function objectHead(data: Buffer, start: number, where: () => string): ObjectHead {
  // Built only for a fault: this runs once per object of every pack.
  const cut = () => ({ fault: unreadable(`git pack cut short: ${where()}`) });
  let at = start;
  if (at >= data.length) return cut();
  let byte = data[at++] as number;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let scale = 16;
  while (byte & 0x80) {
    if (at >= data.length || at - start > 8) return cut();
    byte = data[at++] as number;
    size += (byte & 0x7f) * scale;
    scale *= 128;
  }
  if (type === OFS_DELTA) {
    // How far back the base starts: big-endian 7-bit groups, each continuation adding one.
    let back = -1;
    do {
      if (at >= data.length || at - start > 20) return cut();
      byte = data[at++] as number;
      back = (back + 1) * 128 + (byte & 0x7f);
    } while (byte & 0x80);
    return { type, size, data: at, base: { offset: start - back } };
  }
  if (type === REF_DELTA) {
    // The base's id: 20 bytes, or 32 in a SHA-256 repository (the pack does not say which).
    const idBytes = zlibHeaderAt(data, at + 20) ? 20 : 32;
    if (at + idBytes > data.length) return cut();
    return { type, size, data: at + idBytes, base: { id: data.toString('hex', at, at + idBytes) } };
  }
  if (type === 0 || type === 5)
    return { fault: unreadable(`git pack object ${where()} has an unknown type (${type})`) };
  return { type, size, data: at };
}

function* packObjects(data: Buffer, place: ContainerPlace): Generator<ContainerEvent> {
  const reader = new PackReader(data, place);
  yield* reader.objects();
  yield* reader.leftOver();
}

/**
 * A pack's objects read in order, each delta applied to its base: one read before it (by offset,
 * or by id among those remembered), or one read after it (a fetched thin pack has the bases it
 * lacked appended at its end), the delta held until then. A delta whose base never comes is read
 * as the bytes it inserts, and listed.
 */
class PackReader {
  readonly #data: Buffer;
  readonly #place: ContainerPlace;
  readonly #remembered = new Remembered(REMEMBERED_BYTES);
  readonly #waiting: WaitingDeltas;

  constructor(data: Buffer, place: ContainerPlace) {
    this.#data = data;
    this.#place = place;
    // Held like what is remembered, and in memory like a buffered zip: the lower bound of the two.
    this.#waiting = new WaitingDeltas(
      Math.min(REMEMBERED_BYTES, place.budget.limits.maxBufferedBytes),
    );
  }

  /** Every object in order; stops at the first one that cannot be read (its end is unknown). */
  *objects(): Generator<ContainerEvent> {
    const data = this.#data;
    const count = data.readUInt32BE(8);
    let at = 12;
    for (let index = 0; index < count; index++) {
      const start = at;
      const head = objectHead(
        data,
        start,
        () => `object ${index + 1} of ${count} at byte ${start}`,
      );
      if ('fault' in head) {
        yield head.fault;
        return;
      }
      if (!this.#place.budget.countEntry()) {
        yield entryLimitSkip(this.#place);
        return;
      }
      const name = `${TYPES[head.type]}@${start}`;
      const inflated = inflateAt(data, head.data, this.#place, 'git object', head.size);
      if ('skip' in inflated) {
        yield { kind: 'skipped', name, ...inflated.skip };
        yield unreadable(
          `git pack: objects after byte ${start} were not read (an object's end is known only by inflating it)`,
        );
        return;
      }
      if (inflated.out.length !== head.size) {
        yield unreadable(
          `git object at byte ${start} inflates to ${inflated.out.length} bytes, not the ${head.size} its header says`,
          name,
        );
      }
      at = head.data + inflated.used;
      const going =
        head.base === undefined
          ? yield* this.#settle(start, { type: head.type, content: inflated.out })
          : yield* this.#delta(start, inflated.out, head.base);
      if (!going) return;
    }
    if (data.length - at !== TRAILER_BYTES && data.length - at !== 32) {
      yield unreadable(
        `git pack: ${data.length - at} bytes after its last object, where a checksum of 20 or 32 is`,
      );
    }
  }

  /** The deltas whose bases never came: each read as the bytes it inserts, and listed. */
  *leftOver(): Generator<ContainerEvent> {
    const left = this.#waiting.drain();
    if (left.length === 0) return;
    if (this.#place.budget.halted) {
      yield unreadable(
        `git pack: ${left.length} deltas read before the limit waited for their bases and were not read`,
      );
      return;
    }
    for (const waiting of left) {
      const why = waiting.on.startsWith('#')
        ? `its base (object ${waiting.on.slice(1)}) is not in this pack${this.#remembered.forgot ? ` or was forgotten (the last ${REMEMBERED_BYTES / MiB} MiB read are kept)` : ''}`
        : `its base, the delta at byte ${waiting.on.slice(1)}, was not resolved`;
      if (!(yield* this.#unresolved(waiting.start, waiting.delta, why))) return;
    }
  }

  /** A delta: applied to its base if that was read, held if it may come, else its inserts. */
  *#delta(
    start: number,
    delta: Buffer,
    base: { readonly offset: number } | { readonly id: string },
  ): Generator<ContainerEvent, boolean> {
    let from: Known | undefined;
    let on: string;
    if ('id' in base) {
      this.#remembered.keepIds(base.id.length === 64 ? 'sha256' : 'sha1');
      from = this.#remembered.byId(base.id);
      on = `#${base.id}`;
    } else {
      from = this.#remembered.get(base.offset);
      // A base by offset is earlier: it can still come only if it is a delta that waits itself.
      if (from === undefined && !this.#waiting.has(base.offset)) {
        const why =
          base.offset < 12 || base.offset >= start
            ? `its base offset (byte ${base.offset}) is not an earlier object`
            : `its base at byte ${base.offset} was forgotten (the last ${REMEMBERED_BYTES / MiB} MiB read are kept) or was not read whole`;
        return yield* this.#unresolved(start, delta, why);
      }
      on = `@${base.offset}`;
    }
    if (from !== undefined) return yield* this.#apply(start, delta, from);
    if (this.#waiting.add({ start, delta, on })) return true;
    return yield* this.#unresolved(
      start,
      delta,
      `its base is not read yet, and the deltas waiting for theirs hold all the memory they may`,
    );
  }

  /** A delta applied to its base read whole: the whole version, or its inserts if they do not fit. */
  *#apply(start: number, delta: Buffer, base: Known): Generator<ContainerEvent, boolean> {
    const whole = applyDelta(base.content, delta, this.#place);
    if (whole === undefined)
      return yield* this.#unresolved(start, delta, 'it does not fit its base (a damaged delta)');
    return yield* this.#settle(start, { type: base.type, content: whole });
  }

  /**
   * An object read whole: handed out and remembered, then the deltas waiting for it applied, and
   * those waiting for them (a loop, not recursion: a chain may be as long as the pack).
   */
  *#settle(start: number, object: Known): Generator<ContainerEvent, boolean> {
    if (!(yield* this.#member(`${TYPES[object.type]}@${start}`, object.content))) return false;
    // The first is at hand even if it alone is over what is remembered; the others are looked up,
    // so the stack holds offsets, not content.
    const settled: { start: number; id: string | undefined; held?: Known }[] = [
      { start, id: this.#remembered.remember(start, object), held: object },
    ];
    for (let next = settled.pop(); next !== undefined; next = settled.pop()) {
      const base = next.held ?? this.#remembered.get(next.start);
      const woken = this.#waiting.take(`@${next.start}`);
      if (next.id !== undefined) woken.push(...this.#waiting.take(`#${next.id}`));
      for (const waiting of woken) {
        const whole =
          base === undefined ? undefined : applyDelta(base.content, waiting.delta, this.#place);
        if (base === undefined || whole === undefined) {
          const why =
            base === undefined
              ? `its base at byte ${next.start} was forgotten before it could be applied`
              : 'it does not fit its base (a damaged delta)';
          if (!(yield* this.#unresolved(waiting.start, waiting.delta, why))) return false;
          continue;
        }
        const result = { type: base.type, content: whole };
        if (!(yield* this.#member(`${TYPES[base.type]}@${waiting.start}`, whole))) return false;
        settled.push({
          start: waiting.start,
          id: this.#remembered.remember(waiting.start, result),
        });
      }
    }
    return true;
  }

  /**
   * A delta whose base cannot be had: the bytes it inserts handed out (`delta@<offset>`), and a
   * skip saying why, since a key whose start it copies from the base is not among them.
   */
  *#unresolved(start: number, delta: Buffer, why: string): Generator<ContainerEvent, boolean> {
    const name = `delta@${start}`;
    const content = inserted(delta);
    if (content === undefined) {
      yield unreadable(`git pack delta at byte ${start} is malformed`, name);
      return true;
    }
    yield unreadable(
      `git pack delta at byte ${start}: ${why}; only the bytes it inserts were read`,
      name,
    );
    return yield* this.#member(name, content);
  }

  /** Content handed out, within the file's expanded-size limit; false once that is reached. */
  *#member(name: string, content: Buffer): Generator<ContainerEvent, boolean> {
    const { budget } = this.#place;
    if (budget.expanded + content.length > budget.limits.maxTotalBytes) {
      budget.halted = true;
      yield {
        kind: 'skipped',
        name,
        reason: 'archive-limit',
        detail: `expanded-size limit ${budget.limits.maxTotalBytes} bytes per file reached at this git object; the rest of the pack was not read`,
      };
      return false;
    }
    budget.expanded += content.length;
    if (content.length > 0) yield { kind: 'member', name, open: () => once(content) };
    return !budget.halted;
  }
}

/** A varint of a delta's header (little-endian 7-bit groups): its value and where it ends. */
function deltaSize(delta: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < delta.length && i < at + 8; i++) {
    const byte = delta[i] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  return undefined;
}

/**
 * A delta applied to its base: the version it describes, or undefined when the two do not fit
 * (a base of another size, a copy out of its bounds, a result over what may be held or over what
 * the file may still expand to). The instructions are checked in a first pass that copies
 * nothing: a hostile delta that declares 64 MiB, fills it by 64 KiB copies and then overflows
 * cost an allocation and 64 MiB of copying each, uncounted (a 3 KB pack of them took 8 s).
 */
function applyDelta(base: Buffer, delta: Buffer, place: ContainerPlace): Buffer | undefined {
  const baseSize = deltaSize(delta, 0);
  const resultSize = baseSize === undefined ? undefined : deltaSize(delta, baseSize.next);
  if (baseSize === undefined || resultSize === undefined || baseSize.value !== base.length)
    return undefined;
  const { budget } = place;
  if (resultSize.value > budget.limits.maxBufferedBytes) return undefined;
  if (budget.expanded + resultSize.value > budget.limits.maxTotalBytes) return undefined;
  if (!runDelta(base, delta, resultSize.next, resultSize.value, undefined)) return undefined;
  const out = Buffer.allocUnsafe(resultSize.value);
  return runDelta(base, delta, resultSize.next, resultSize.value, out) ? out : undefined;
}

/**
 * Runs a delta's instructions from `at`: with `out`, copying into it; without, only checking that
 * every copy stays in the base, every insert in the delta, and the result is exactly `size`.
 */
function runDelta(
  base: Buffer,
  delta: Buffer,
  from: number,
  size: number,
  out: Buffer | undefined,
): boolean {
  let written = 0;
  let at = from;
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      let offset = 0;
      let length = 0;
      for (let bit = 0; bit < 4; bit++)
        if (op & (1 << bit)) offset += (delta[at++] ?? 0) * 2 ** (8 * bit);
      for (let bit = 0; bit < 3; bit++)
        if (op & (16 << bit)) length += (delta[at++] ?? 0) * 2 ** (8 * bit);
      if (length === 0) length = 0x10000;
      if (offset + length > base.length || written + length > size) return false;
      out?.set(base.subarray(offset, offset + length), written);
      written += length;
    } else if (op === 0) {
      return false;
    } else {
      if (at + op > delta.length || written + op > size) return false;
      out?.set(delta.subarray(at, at + op), written);
      written += op;
      at += op;
    }
  }
  return written === size;
}

/**
 * The bytes a delta inserts, joined; a line feed stands for each run of copied bytes between two
 * inserts. Undefined when the instructions run past their end (a malformed delta).
 */
function inserted(delta: Buffer): Buffer | undefined {
  let at = 0;
  // The base's size and the result's size, as varints.
  for (let n = 0; n < 2; n++) {
    while (at < delta.length && (delta[at] as number) & 0x80) at++;
    at++;
  }
  const parts: Buffer[] = [];
  let copied = false;
  while (at < delta.length) {
    const op = delta[at++] as number;
    if (op & 0x80) {
      // A copy: one byte each for the offset and size parts its bits name.
      for (let bit = 0; bit < 7; bit++) if (op & (1 << bit)) at++;
      copied = true;
    } else if (op === 0) {
      return undefined;
    } else {
      if (at + op > delta.length) return undefined;
      if (copied && parts.length > 0) parts.push(Buffer.from('\n'));
      parts.push(delta.subarray(at, at + op));
      at += op;
      copied = false;
    }
  }
  return at > delta.length ? undefined : Buffer.concat(parts);
}

/**
 * A zlib stream (a loose git object, or any `.zz`-style file): opened only when it inflates whole
 * with its checksum right, since its two header bytes alone start ordinary text (`x^`). A git
 * object's content is handed out after its header (`blob`, `commit`…), anything else as
 * `zlib-data`. A stream that does not inflate is no container, and no skip; one over the limits
 * is a skip.
 */
export async function* readZlib(
  input: ArchiveInput,
  place: ContainerPlace,
): AsyncGenerator<ContainerEvent> {
  // Text that starts `x^` is no stream: told by its first bytes, before holding it (a large log
  // that starts so would otherwise be a skip for its size).
  let source: ArchiveInput = input;
  if (input.kind !== 'buffer') {
    let peeked: Peeked;
    try {
      peeked = await peekHead(inputPieces(input), PROBE_BYTES);
    } catch (error) {
      if (place.scope.stopped) return;
      yield unreadable(`zlib stream: ${describeError(error)}`);
      return;
    }
    if (!startsInflating(peeked.head)) {
      await peeked.all.return(undefined);
      return;
    }
    // A file is still held as a file (its own cap); a member's stream as a stream.
    if (input.kind === 'stream') source = { kind: 'stream', pieces: peeked.all };
    else await peeked.all.return(undefined);
  }
  yield* whileHeld(source, place, 'zlib stream', (data) => zlibMembers(data, place));
}

/** A zlib stream held whole, inflated: a git object's content, or the data as it is. */
function* zlibMembers(data: Buffer, place: ContainerPlace): Generator<ContainerEvent> {
  const { budget } = place;
  if (!budget.countEntry()) {
    yield entryLimitSkip(place);
    return;
  }
  const inflated = inflateAt(data, 0, place, 'zlib stream');
  if ('skip' in inflated) {
    if (inflated.skip.reason === 'archive-limit')
      yield { kind: 'skipped', name: '', ...inflated.skip };
    return;
  }
  budget.expanded += inflated.out.length;
  const out = inflated.out;
  const header = /^(blob|tree|commit|tag) (\d+)\0/.exec(out.toString('latin1', 0, 32));
  const content = header === null ? out : out.subarray((header[0] as string).length);
  const name = header === null ? 'zlib-data' : (header[1] as string);
  if (content.length > 0) yield { kind: 'member', name, open: () => once(content) };
}
