import type { BaselineEntry, Finding } from '../model/finding.js';

function compare(a: BaselineEntry, b: BaselineEntry): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.secretHash !== b.secretHash) return a.secretHash < b.secretHash ? -1 : 1;
  return 0;
}

/** One entry per rule + path + secret hash (no lines, no raw values), sorted and deduplicated. */
export function baselineEntries(
  findings: readonly Finding[],
  keep: readonly BaselineEntry[] = [],
): BaselineEntry[] {
  const byKey = new Map<string, BaselineEntry>();
  const add = (e: BaselineEntry) =>
    byKey.set(`${e.ruleId}\n${e.path}\n${e.secretHash}`, {
      ruleId: e.ruleId,
      path: e.path,
      secretHash: e.secretHash,
    });
  for (const e of keep) add(e);
  for (const f of findings)
    add({ ruleId: f.ruleId, path: f.location.path, secretHash: f.secretHash });
  return [...byKey.values()].sort(compare);
}

/**
 * The baseline file's text: `{"version": 1, "entries": [...]}` with one entry per line, so two
 * branches that each accept a finding merge without conflict unless they touch the same line.
 */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const lines = [...entries]
    .sort(compare)
    .map(
      (e) =>
        `    {"ruleId": ${JSON.stringify(e.ruleId)}, "path": ${JSON.stringify(e.path)}, "secretHash": ${JSON.stringify(e.secretHash)}}`,
    );
  return `{\n  "version": 1,\n  "entries": [${lines.length === 0 ? '' : `\n${lines.join(',\n')}\n  `}]\n}\n`;
}
