import type { PathAllowEntry } from '../model/config.js';
import type {
  BaselineEntry,
  Finding,
  Location,
  Suppression,
  SuppressionReason,
} from '../model/finding.js';
import { legacyTokens } from './baseline-hashing.js';

export interface FilterContext {
  readonly pathAllow: readonly PathAllowEntry[];
  readonly baseline?: readonly BaselineEntry[];
}

export interface FilterResult {
  readonly kept: Finding[];
  readonly suppressed: Suppression[];
  /** Baseline entries that matched nothing in this scan. */
  readonly staleBaseline: BaselineEntry[];
}

/** An entry's identity: rule, path and its one hash (keyed or plain). */
function entryKey(e: BaselineEntry): string {
  const hash = e.secretHmac === undefined ? `sha256:${e.secretHash}` : `hmac:${e.secretHmac}`;
  return `${e.ruleId}\n${e.path}\n${hash}`;
}

/**
 * The entry keys a finding may match: its keyed hash, its plain hash (unguessable values), or the
 * plain-hash entry its value was recognised as by the engine (token → that entry's hash).
 */
function findingKeys(f: Finding, legacyHash: ReadonlyMap<string, string>): string[] {
  const at = `${f.ruleId}\n${f.location.path}\n`;
  const keys: string[] = [];
  if (f.secretHmac !== undefined) keys.push(`${at}hmac:${f.secretHmac}`);
  if (f.secretHash !== undefined) keys.push(`${at}sha256:${f.secretHash}`);
  const legacy = f.legacyRef === undefined ? undefined : legacyHash.get(f.legacyRef);
  if (legacy !== undefined) keys.push(`${at}sha256:${legacy}`);
  return keys;
}

/** How a matched entry is named in reports: plain hashes of guessable values never are. */
function entryLabel(e: BaselineEntry): string {
  if (e.secretHmac !== undefined) return `${e.ruleId}:${e.path}:hmac:${e.secretHmac}`;
  if (e.legacy === true) return `${e.ruleId}:${e.path}:legacy entry`;
  return `${e.ruleId}:${e.path}:sha256:${e.secretHash ?? ''}`;
}

function pathReason(
  f: Finding,
  pathAllow: readonly PathAllowEntry[],
): SuppressionReason | undefined {
  for (const p of pathAllow) {
    if (p.matches(f.location.path)) return { by: 'allowlist', entry: p.entry, reason: p.reason };
  }
  return undefined;
}

/** Where findings are reported once per identity: the same secret at the same place in many chunks or commits. */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.fingerprint}\n${f.location.line}\n${f.location.column}\n${f.commit?.sha ?? ''}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  return dropPairedHalves(dropContainerEchoes([...seen.values()]));
}

/**
 * The same bytes are read more than one way (a UTF-8 and a UTF-16 view; an odd-length UTF-16
 * file with and without its last byte), and one reading can pair a key ID that another sees
 * alone (its secret sits at another alignment, or was spoilt by a stray byte). The pair says
 * everything the lone half would: a half found on the line of a pair's half, shown the same way,
 * is dropped. (Lines count LF bytes in every view; columns do not: UTF-16 drops its NULs.)
 */
function dropPairedHalves(findings: readonly Finding[]): Finding[] {
  const at = (f: Finding, l: Location, shown: string) =>
    `${l.path}\n${l.line}\n${shown}\n${f.commit?.sha ?? ''}`;
  const halves = new Set<string>();
  for (const f of findings) {
    if (f.kind !== 'credential-pair') continue;
    halves.add(`access-key-id\n${at(f, f.location, f.redacted)}`);
    if (f.partner !== undefined && f.partnerRedacted !== undefined)
      halves.add(`secret-access-key\n${at(f, f.partner, f.partnerRedacted)}`);
  }
  if (halves.size === 0) return [...findings];
  return findings.filter((f) => !halves.has(`${f.kind}\n${at(f, f.location, f.redacted)}`));
}

/**
 * An archive's raw bytes are scanned as well as its entries (nothing outside the entries is lost),
 * so a key in a stored zip entry or a tar is seen twice: as `a.zip` and as `a.zip!x.env`. The
 * entry's finding is the one that says where the key is.
 */
function dropContainerEchoes(findings: readonly Finding[]): Finding[] {
  const inside = new Set<string>();
  for (const f of findings) {
    const bang = f.location.path.indexOf('!');
    if (bang === -1) continue;
    // Every enclosing level: `a.zip` for `a.zip!b.jar!c.env`, and `a.zip!b.jar`.
    for (let at = bang; at !== -1; at = f.location.path.indexOf('!', at + 1)) {
      inside.add(
        `${f.location.path.slice(0, at)}\n${f.ruleId}\n${f.secretHash}\n${f.commit?.sha ?? ''}`,
      );
    }
  }
  if (inside.size === 0) return [...findings];
  return findings.filter(
    (f) => !inside.has(`${f.location.path}\n${f.ruleId}\n${f.secretHash}\n${f.commit?.sha ?? ''}`),
  );
}

/**
 * The suppression chain, in order: allowlists (value entries marked by the engine, then paths),
 * inline pragma, baseline, then dedupe. Pure: findings in, kept and suppressed out.
 */
export function applyFilters(findings: readonly Finding[], ctx: FilterContext): FilterResult {
  const kept: Finding[] = [];
  const suppressed: Suppression[] = [];
  const entries = ctx.baseline ?? [];
  const baseline = new Map(entries.map((e) => [entryKey(e), e]));
  const legacyHash = new Map([...legacyTokens(entries)].map(([hash, token]) => [token, hash]));
  const used = new Set<string>();
  for (const f of dedupe(findings)) {
    const byValue = f.allowedBy;
    const reason =
      byValue ??
      pathReason(f, ctx.pathAllow) ??
      (f.pragma !== undefined
        ? { by: 'pragma' as const, entry: f.pragma, reason: `inline ${f.pragma}` }
        : undefined);
    if (reason !== undefined) {
      suppressed.push({ finding: f, reason });
      continue;
    }
    const key = findingKeys(f, legacyHash).find((k) => baseline.has(k));
    const entry = key === undefined ? undefined : baseline.get(key);
    if (key !== undefined && entry !== undefined) {
      used.add(key);
      suppressed.push({
        finding: f,
        reason: { by: 'baseline', entry: entryLabel(entry), reason: 'accepted in baseline' },
      });
      continue;
    }
    kept.push(f);
  }
  const staleBaseline = [...baseline].filter(([k]) => !used.has(k)).map(([, e]) => e);
  return { kept, suppressed, staleBaseline };
}
