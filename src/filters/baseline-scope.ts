/**
 * Which repository-relative paths a scan covered, from the scanned targets (also
 * repository-relative, `''` or `.` for the whole repository). A baseline entry outside the scope
 * is not stale just because a narrower scan did not see it.
 */
export function baselineScope(targets: readonly string[]): (path: string) => boolean {
  const prefixes = targets.map((t) => t.replace(/^\.\/+/, '').replace(/\/+$/, ''));
  if (prefixes.length === 0 || prefixes.some((p) => p === '' || p === '.')) return () => true;
  return (path) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}
