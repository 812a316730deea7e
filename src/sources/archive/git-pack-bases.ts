import { createHash } from 'node:crypto';

/** How a repository names its objects: SHA-1 (20-byte ids), or SHA-256 (32). */
export type IdAlgorithm = 'sha1' | 'sha256';

/** An object of a pack read whole: its type (a delta's is its base's) and content. */
export interface Known {
  readonly type: number;
  readonly content: Buffer;
}

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'commit',
  2: 'tree',
  3: 'blob',
  4: 'tag',
};

/** An object's id as git computes it: the hash of `<type> <size>\0` and the content, in hex. */
function objectId(object: Known, algorithm: IdAlgorithm): string {
  return createHash(algorithm)
    .update(`${TYPE_NAMES[object.type] ?? 'unknown'} ${object.content.length}\0`)
    .update(object.content)
    .digest('hex');
}

/** A remembered object, with its id once ids are kept. */
type Entry = Known & { id?: string | undefined };

/**
 * Objects a delta may name as its base, by their offset in the pack and, once a delta has named
 * one by id, by id too; the oldest forgotten past a total size. Ids are computed only from the
 * first delta that names a base by id on (most packs have none): the objects remembered then,
 * and each one after.
 */
export class Remembered {
  readonly #objects = new Map<number, Entry>();
  readonly #ids = new Map<string, number>();
  #bytes = 0;
  readonly #limit: number;
  #algorithm: IdAlgorithm | undefined;
  /** Whether any object was forgotten: a base named by id and not found may have been one. */
  forgot = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get(offset: number): Known | undefined {
    return this.#objects.get(offset);
  }

  byId(id: string): Known | undefined {
    const offset = this.#ids.get(id);
    return offset === undefined ? undefined : this.#objects.get(offset);
  }

  /** Keeps ids from now on (the first algorithm named stays), naming what is remembered now. */
  keepIds(algorithm: IdAlgorithm): void {
    if (this.#algorithm !== undefined) return;
    this.#algorithm = algorithm;
    for (const [offset, object] of this.#objects) this.#name(offset, object, algorithm);
  }

  /** Remembers an object (unless it alone is over the limit); its id when ids are kept. */
  remember(offset: number, object: Known): string | undefined {
    const id = this.#algorithm === undefined ? undefined : objectId(object, this.#algorithm);
    if (object.content.length > this.#limit) {
      this.forgot = true;
      return id;
    }
    const entry = { ...object, id };
    this.#objects.set(offset, entry);
    if (id !== undefined) this.#ids.set(id, offset);
    this.#bytes += object.content.length;
    for (const [old, forgotten] of this.#objects) {
      if (this.#bytes <= this.#limit) break;
      this.#objects.delete(old);
      this.#bytes -= forgotten.content.length;
      if (forgotten.id !== undefined && this.#ids.get(forgotten.id) === old)
        this.#ids.delete(forgotten.id);
      this.forgot = true;
    }
    return id;
  }

  #name(offset: number, object: Entry, algorithm: IdAlgorithm): void {
    object.id = objectId(object, algorithm);
    this.#ids.set(object.id, offset);
  }
}

/** A delta read before its base: its offset, its instructions, and what it waits for. */
export interface Waiting {
  readonly start: number;
  readonly delta: Buffer;
  /** `#<id>` for a base named by id, `@<offset>` for a base that is itself a waiting delta. */
  readonly on: string;
}

/**
 * Deltas waiting for their bases, by what they wait for, their instructions held up to a total
 * size: a fetched thin pack has its missing bases appended at its end, after the deltas on them.
 */
export class WaitingDeltas {
  readonly #byBase = new Map<string, Waiting[]>();
  readonly #starts = new Set<number>();
  #bytes = 0;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Whether the delta at `start` is waiting (a delta on it by offset waits too). */
  has(start: number): boolean {
    return this.#starts.has(start);
  }

  /** Holds a delta until its base is read; false when that would pass the total. */
  add(waiting: Waiting): boolean {
    if (this.#bytes + waiting.delta.length > this.#limit) return false;
    this.#bytes += waiting.delta.length;
    this.#starts.add(waiting.start);
    const list = this.#byBase.get(waiting.on);
    if (list === undefined) this.#byBase.set(waiting.on, [waiting]);
    else list.push(waiting);
    return true;
  }

  /** The deltas waiting for `on`, no longer held. */
  take(on: string): Waiting[] {
    const list = this.#byBase.get(on) ?? [];
    this.#byBase.delete(on);
    for (const waiting of list) this.#release(waiting);
    return list;
  }

  /** Every delta still waiting, by offset, no longer held. */
  drain(): Waiting[] {
    const all = [...this.#byBase.values()].flat().sort((a, b) => a.start - b.start);
    this.#byBase.clear();
    for (const waiting of all) this.#release(waiting);
    return all;
  }

  #release(waiting: Waiting): void {
    this.#bytes -= waiting.delta.length;
    this.#starts.delete(waiting.start);
  }
}
