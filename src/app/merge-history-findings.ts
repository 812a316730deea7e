import type { Finding, Suppression } from '../model/finding.js';
import type { Attribution } from '../sources/history-source.js';
import type { ScanResult } from './run-scan.js';

type Attribute = (sha: string, path: string) => Attribution | undefined;

interface Group {
  best: Finding;
  rank: number;
  keys: Map<string, number>;
}

function group<T>(
  items: readonly T[],
  findingOf: (t: T) => Finding,
  identity: (t: T) => string,
  attribute: Attribute,
): { item: T; occurrences: number }[] {
  const groups = new Map<string, Group & { item: T }>();
  for (const item of items) {
    const f = findingOf(item);
    // A name is read once per walk, at the first commit listing it: that commit is its own.
    const a =
      f.commit === undefined || f.location.where === 'name'
        ? undefined
        : attribute(f.commit.sha, f.location.path);
    const rank = a?.rank ?? Number.MAX_SAFE_INTEGER;
    const id = identity(item);
    const g = groups.get(id);
    if (g === undefined) {
      const keys = new Map<string, number>();
      if (a !== undefined) keys.set(a.key, a.commits);
      groups.set(id, { best: f, rank, keys, item });
      continue;
    }
    if (a !== undefined) g.keys.set(a.key, a.commits);
    if (rank < g.rank) {
      g.best = f;
      g.rank = rank;
      g.item = item;
    }
  }
  return [...groups.values()].map((g) => ({
    item: g.item,
    occurrences: Math.max(
      1,
      [...g.keys.values()].reduce((n, k) => n + k, 0),
    ),
  }));
}

/**
 * History findings, one per secret per path: the same secret at the same path in many commits is
 * reported once, attributed to the commit that introduced it, with how many commits brought it in.
 */
export function mergeHistoryFindings(result: ScanResult, attribute: Attribute): ScanResult {
  const findings = group(
    result.findings,
    (f) => f,
    (f) => f.fingerprint,
    attribute,
  ).map(({ item, occurrences }) => ({ ...item, occurrences }));
  const suppressed = group(
    result.suppressed,
    (s: Suppression) => s.finding,
    (s) => `${s.finding.fingerprint}\n${s.reason.by}\n${s.reason.entry}`,
    attribute,
  ).map(({ item, occurrences }) => ({ ...item, finding: { ...item.finding, occurrences } }));
  return { ...result, findings, suppressed };
}
