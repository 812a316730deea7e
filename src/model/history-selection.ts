/**
 * Commits selected by one `git rev-list`: ref selections (`--all`, `--branches=x`) and revision
 * names or ranges (`main`, `A..B`), minus the selection's exclusions.
 */
export interface SelectionMember {
  /** Validated ref pseudo-options, in order (`--exclude=<glob>` before the one it limits). */
  readonly refs: readonly string[];
  /** Revision names and ranges; they reach git after `--end-of-options`, never as options. */
  readonly names: readonly string[];
}

/**
 * Which commits `keyguard history` (and the push gates) scan: the UNION of the members, each
 * limited by the same per-commit filters and exclusions, at most `maxCount` of them, and only
 * their changes under `pathspecs`. Several ranges mean their union, as users expect; git's own
 * command line would intersect them.
 */
export interface HistorySelection {
  readonly members: readonly SelectionMember[];
  /** Excluded from every member: ref pseudo-options and revision names (without `^`). */
  readonly exclude: SelectionMember;
  /** Validated per-commit options for `git rev-list` (`--since=…`, `--author=…`, `--no-merges`). */
  readonly filters: readonly string[];
  /** The newest this many commits of the union (`-n`). */
  readonly maxCount?: number;
  /** Only changes to these paths (git pathspecs, after `--`). */
  readonly pathspecs: readonly string[];
  /** How reports name the selection (`all refs`, `main..feature since 2024-01-01`). */
  readonly label: string;
}
