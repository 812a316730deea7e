import type { ArchiveSkipReason } from './archive-item.js';
import type { ExpansionBudget } from './expansion-budget.js';
import { formatSize } from './format-size.js';

/** How much one piece decoded whole in memory (a PDF stream, a PNG text chunk) may produce. */
export interface DecodeCap {
  readonly bytes: number;
  /** The skip when the output would pass `bytes`; marks the budget halted if the file's total is what ran out. */
  over(): { readonly reason: ArchiveSkipReason; readonly detail: string };
}

/**
 * The cap for decoding `encoded` bytes whole: what is left of the file's expanded total, the
 * ratio past its floor (as for a zip entry), and `maxBufferedBytes`, since the output is held.
 */
export function decodeCap(budget: ExpansionBudget, encoded: number, what: string): DecodeCap {
  const { maxTotalBytes, maxRatio, ratioFloorBytes, maxBufferedBytes } = budget.limits;
  const byTotal = Math.max(0, maxTotalBytes - budget.expanded);
  const byRatio = Math.max(ratioFloorBytes, maxRatio * Math.max(1, encoded));
  const bytes = Math.min(byTotal, byRatio, maxBufferedBytes);
  return {
    bytes,
    over() {
      if (bytes === byTotal) {
        budget.halted = true;
        return {
          reason: 'archive-limit',
          detail: `expanded-size limit ${formatSize(maxTotalBytes)} per file reached at this ${what}; the rest of the file was not read`,
        };
      }
      if (bytes === byRatio) {
        return {
          reason: 'archive-limit',
          detail: `expansion-ratio limit ${maxRatio}:1 reached: over ${formatSize(bytes)} from ${formatSize(encoded)} encoded; this ${what} was not read`,
        };
      }
      return {
        reason: 'archive-limit',
        detail: `a ${what} is decoded in memory, and this one is over the ${formatSize(maxBufferedBytes)} limit; it was not read`,
      };
    },
  };
}
