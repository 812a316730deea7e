import { describeError } from './describe-error.js';
import type { ExpansionBudget } from './expansion-budget.js';
import { formatSize } from './format-size.js';
import { MemberScope } from './member-scope.js';

export interface Meter {
  readonly scope: MemberScope;
  readonly budget: ExpansionBudget;
  /** Compressed bytes behind the output so far (a zip entry's size, or a gzip's input read). */
  readonly compressedBytes: () => number;
  /** Names the layer in details: "zip entry", "gzip data". */
  readonly what: string;
}

/**
 * Decompressed output of one member, counted against the file's budget: the ratio of this member
 * and the total of the whole top-level file. Reaching a bound, or a decompression error, stops the
 * member (see `MemberScope`); the pieces already passed on stay passed on, so whatever was read is
 * still scanned, and the skip says how far it got.
 */
export async function* meteredData(
  source: AsyncIterable<Buffer>,
  meter: Meter,
): AsyncGenerator<Buffer> {
  const { scope, budget } = meter;
  const { maxTotalBytes, maxRatio, ratioFloorBytes } = budget.limits;
  let passed = 0;
  try {
    for await (const piece of source) {
      const produced = passed + piece.length;
      if (budget.expanded + piece.length > maxTotalBytes) {
        budget.halted = true;
        throw scope.stop(
          'archive-limit',
          `expanded-size limit ${formatSize(maxTotalBytes)} per file reached after ${formatSize(passed)} of this ${meter.what}; the rest of the file was not read`,
        );
      }
      const compressed = Math.max(1, meter.compressedBytes());
      if (produced > ratioFloorBytes && produced > maxRatio * compressed) {
        throw scope.stop(
          'archive-limit',
          `expansion-ratio limit ${maxRatio}:1 reached: ${formatSize(produced)} from ${formatSize(compressed)} compressed; the rest of this ${meter.what} was not read`,
        );
      }
      budget.expanded += piece.length;
      passed = produced;
      yield piece;
    }
  } catch (error) {
    if (MemberScope.isStop(error)) throw error;
    // A source further out stopped (its own limit or fault): that layer reports it.
    if (scope.stopped) throw scope.stop();
    throw scope.stop(
      'archive-unreadable',
      `${meter.what} unreadable after ${formatSize(passed)}: ${describeError(error)}`,
    );
  }
}
