/**
 * Bounds on the work and memory one top-level file may cost when its archives are opened. Going
 * over one stops that part of the expansion and is reported as an `archive-limit` skip.
 */
export interface ArchiveLimits {
  /** Containers opened one inside another, the top-level one counting 1 (a `.tgz` is 2: gzip, tar). */
  readonly maxDepth: number;
  /** Members of every container at every depth (directories and links included), per top-level file. */
  readonly maxEntries: number;
  /** Bytes produced by decompression (every zip entry, every gzip stream, at every depth), per top-level file. */
  readonly maxTotalBytes: number;
  /** Output ÷ compressed input of one zip entry or gzip stream, checked once it is past `ratioFloorBytes`. */
  readonly maxRatio: number;
  /** Output below which the ratio is not checked: small, very repetitive files are common and cheap. */
  readonly ratioFloorBytes: number;
  /** Bytes held in memory at once, across all depths, for zips that arrive as a stream (a zip needs random access). */
  readonly maxBufferedBytes: number;
}

const MiB = 1024 * 1024;

/**
 * Why these numbers (see docs/design.md, "Archives"):
 * - depth 8: real nesting reaches 6 (image tar → gzip → layer tar → war → jar → jar); every other
 *   cost is bounded on its own, so depth only has to stop endless recursion (a zip quine).
 * - 100,000 entries: more than the largest jars and wars we know hold, and a per-entry cost of
 *   ~50 µs keeps a hostile archive of tiny entries to seconds.
 * - 1 GiB expanded: any real archive we would scan, and a few seconds of inflating at worst.
 * - ratio 200 past 16 MiB: source, logs and data compress 3–50×; deflate's ceiling is ~1,030×, and
 *   only padding and bombs come near it. Below 16 MiB the ratio is never a reason to skip.
 * - 64 MiB buffered: a nested jar or zip up to that size is opened; a bigger one is a skip.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxDepth: 8,
  maxEntries: 100_000,
  maxTotalBytes: 1024 * MiB,
  maxRatio: 200,
  ratioFloorBytes: 16 * MiB,
  maxBufferedBytes: 64 * MiB,
});
