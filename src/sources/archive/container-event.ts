import type { ArchiveSkipReason } from './archive-item.js';
import type { ExpansionBudget } from './expansion-budget.js';
import type { MemberScope } from './member-scope.js';

/** Where a container sits: its label, its depth, the member it is read from. */
export interface ContainerPlace {
  /** Its own path ('' for the top-level file). */
  readonly path: string;
  /** Its own name within its parent (or the top-level file's name): gzip derives its member's name from it. */
  readonly name: string;
  /** 1 for the top-level container. */
  readonly depth: number;
  /** The member this container is read from (a root scope at the top). */
  readonly scope: MemberScope;
  readonly budget: ExpansionBudget;
}

/**
 * What a container reader yields. A member's `open` gives its content (decompressed, metered); the
 * reader cleans the member up (closes or skips what was not read) when asked for the next event.
 */
export type ContainerEvent =
  | {
      readonly kind: 'member';
      readonly name: string;
      readonly open: (scope: MemberScope) => AsyncIterable<Buffer>;
      /** True when `open` may be called again to read the member once more (a zip's random access). */
      readonly reopens?: boolean;
    }
  | {
      readonly kind: 'skipped';
      /** '' for the container itself. */
      readonly name: string;
      readonly reason: ArchiveSkipReason;
      readonly detail: string;
    };
