import type { BaselineEntry, Finding } from '../model/finding.js';
import { shownName } from '../model/shown-name.js';

/** The version `formatBaseline` writes: 2 carries a key, and keyed hashes for guessable values. */
export const BASELINE_VERSION = 2;

function hashOf(e: BaselineEntry): string {
  return e.secretHmac ?? e.secretHash ?? '';
}

function compare(a: BaselineEntry, b: BaselineEntry): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (hashOf(a) !== hashOf(b)) return hashOf(a) < hashOf(b) ? -1 : 1;
  return 0;
}

function identity(e: BaselineEntry): string {
  return `${e.ruleId}\n${e.path}\n${e.secretHmac === undefined ? `sha256:${e.secretHash}` : `hmac:${e.secretHmac}`}`;
}

/** The entry a finding becomes: its keyed hash, or its plain one for unguessable values. */
function entryOf(f: Finding): BaselineEntry | undefined {
  const base = { ruleId: f.ruleId, path: f.location.path };
  if (f.secretHmac !== undefined) return { ...base, secretHmac: f.secretHmac };
  if (f.secretHash !== undefined) return { ...base, secretHash: f.secretHash };
  return undefined;
}

/**
 * One entry per rule + path + hash (no lines, no raw values), sorted and deduplicated. `keep`
 * are entries carried over as they are (outside the scanned paths). A finding with no hash (a
 * guessable value scanned without a key) cannot be accepted: callers always scan with a key.
 */
export function baselineEntries(
  findings: readonly Finding[],
  keep: readonly BaselineEntry[] = [],
  reasons: ReadonlyMap<string, string> = new Map(),
): BaselineEntry[] {
  const byKey = new Map<string, BaselineEntry>();
  for (const e of keep) byKey.set(identity(e), e);
  for (const f of findings) {
    const e = entryOf(f);
    if (e === undefined) continue;
    const id = identity(e);
    const reason = byKey.get(id)?.reason ?? reasons.get(id);
    byKey.set(id, reason === undefined ? e : { ...e, reason });
  }
  return [...byKey.values()].sort(compare);
}

/** The reasons of existing entries, by identity: a rewritten baseline keeps why each was accepted. */
export function baselineReasons(entries: readonly BaselineEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) if (e.reason !== undefined) out.set(identity(e), e.reason);
  return out;
}

/** The baseline entry a finding becomes, with a reason (`keyguard audit`); undefined without a hash. */
export function acceptedEntry(f: Finding, reason: string): BaselineEntry | undefined {
  const e = entryOf(f);
  return e === undefined ? undefined : { ...e, reason };
}

function entryLine(e: BaselineEntry): string {
  const hash =
    e.secretHmac === undefined
      ? `"secretHash": ${JSON.stringify(e.secretHash ?? '')}${e.legacy === true ? ', "legacy": true' : ''}`
      : `"secretHmac": ${JSON.stringify(e.secretHmac)}`;
  const reason = e.reason === undefined ? '' : `, "reason": ${JSON.stringify(e.reason)}`;
  // Findings come with their paths shown already; an entry carried over from an older file may
  // hold a name with a key in it, which the file would otherwise keep writing out.
  return `    {"ruleId": ${JSON.stringify(e.ruleId)}, "path": ${JSON.stringify(shownName(e.path))}, ${hash}${reason}}`;
}

/**
 * The baseline file's text: `{"version": 2, "key": …, "entries": [...]}` with one entry per line,
 * so two branches that each accept a finding merge without conflict unless they touch the same
 * line. `key` is the HMAC key of the `secretHmac` entries (64 hex characters).
 */
export function formatBaseline(entries: readonly BaselineEntry[], key: string): string {
  const lines = [...entries].sort(compare).map(entryLine);
  const list = lines.length === 0 ? '' : `\n${lines.join(',\n')}\n  `;
  return `{\n  "version": ${BASELINE_VERSION},\n  "key": ${JSON.stringify(key)},\n  "entries": [${list}]\n}\n`;
}
