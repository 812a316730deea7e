import type { ArchiveSkip, ArchiveSkipReason } from './archive-item.js';

/** Unwinds the readers stacked on a stopped member; never leaves the module. */
class ArchiveStop extends Error {
  constructor() {
    super('archive member stopped');
    this.name = 'ArchiveStop';
  }
}

/**
 * One member being read. When reading it has to stop (a limit, corrupt data), the reason is
 * recorded here and an `ArchiveStop` unwinds everything reading from it: nested containers at any
 * depth see that their source (or one of its sources) has stopped and end quietly, so the skip is
 * reported once, by the layer that knows why, and a truncation it caused is not reported again as
 * "corrupt" further in.
 */
export class MemberScope {
  readonly path: string;
  readonly parent: MemberScope | undefined;
  #stopped = false;
  #skip: ArchiveSkip | undefined;

  constructor(path: string, parent: MemberScope | undefined) {
    this.path = path;
    this.parent = parent;
  }

  /** The skip to report for this member once it has been handled, if it stopped for a reason of its own. */
  get skip(): ArchiveSkip | undefined {
    return this.#skip;
  }

  /** True when this member, or any member it is read from, has stopped. */
  get stopped(): boolean {
    for (let scope: MemberScope | undefined = this; scope !== undefined; scope = scope.parent) {
      if (scope.#stopped) return true;
    }
    return false;
  }

  /**
   * Marks the member stopped and returns the error to throw. With a reason, this member's skip is
   * reported after it; without one, the container reports the fault itself (a tar broken inside
   * an entry breaks the whole tar, so the tar says so once).
   */
  stop(reason?: ArchiveSkipReason, detail?: string): Error {
    this.#stopped = true;
    if (reason !== undefined && this.#skip === undefined) {
      this.#skip = { kind: 'skipped', path: this.path, reason, detail: detail ?? '' };
    }
    return new ArchiveStop();
  }

  static isStop(error: unknown): boolean {
    return error instanceof ArchiveStop;
  }
}
