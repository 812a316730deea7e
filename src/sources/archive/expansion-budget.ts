import type { ArchiveLimits } from './archive-limits.js';

/** What one top-level file has cost so far, across every nested archive. */
export class ExpansionBudget {
  readonly limits: ArchiveLimits;
  /** Members seen in every container. */
  entries = 0;
  /** Bytes produced by decompression. */
  expanded = 0;
  /** Bytes of stream-fed zips held in memory right now. */
  buffered = 0;
  /** Set when a per-file bound is reached: nothing more of this file is read. */
  halted = false;

  constructor(limits: ArchiveLimits) {
    this.limits = limits;
  }

  /** Counts one member; false (and halted) once there are more than `maxEntries`. */
  countEntry(): boolean {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) this.halted = true;
    return !this.halted;
  }
}
