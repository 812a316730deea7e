/**
 * CPU time this test process has spent since `cpuClock()` was called, in milliseconds.
 *
 * Ceilings on hostile input measure work, not wall time: a machine running other suites side by
 * side stretches wall time several-fold, while the work a quadratic step needs (minutes) stays far
 * above any ceiling. Test files run in their own process (vitest's `forks` pool), so this counts
 * the code under test, its zlib threads and its garbage collection, and nothing else's.
 */
export function cpuClock(): () => number {
  const start = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
}
