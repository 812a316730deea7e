import type { PathAllowEntry } from '../model/config.js';
import type {
  BaselineEntry,
  Finding,
  Location,
  Suppression,
  SuppressionReason,
} from '../model/finding.js';
import { legacyTokens } from './baseline-hashing.js';
import { type NameMasker, nameMasker } from './name-masker.js';

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
function findingKeys(
  f: Finding,
  legacyHash: ReadonlyMap<string, string>,
  shown: NameMasker,
): string[] {
  const keys: string[] = [];
  // An entry names the path as reports show it (a baseline is written from one), or as it is (an
  // entry written by hand, or before names were masked).
  for (const path of pathForms(f.location.path, shown)) {
    const at = `${f.ruleId}\n${path}\n`;
    if (f.secretHmac !== undefined) keys.push(`${at}hmac:${f.secretHmac}`);
    if (f.secretHash !== undefined) keys.push(`${at}sha256:${f.secretHash}`);
    const legacy = f.legacyRef === undefined ? undefined : legacyHash.get(f.legacyRef);
    if (legacy !== undefined) keys.push(`${at}sha256:${legacy}`);
  }
  return keys;
}

/** A path as it is, and as reports show it when that differs (a key written in the name). */
function pathForms(path: string, shown: NameMasker): string[] {
  const masked = shown(path);
  return masked === path ? [path] : [path, masked];
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
  shown: NameMasker,
): SuppressionReason | undefined {
  if (pathAllow.length === 0) return undefined;
  const forms = pathForms(f.location.path, shown);
  for (const p of pathAllow) {
    if (forms.some((path) => p.matches(path)))
      return { by: 'allowlist', entry: p.entry, reason: p.reason };
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
  return dropPairedHalves([...seen.values()]);
}

/**
 * The same bytes are read more than one way (a UTF-8 and a UTF-16 view; an odd-length UTF-16
 * file with and without its last byte), and one reading can pair a key ID that another sees
 * alone (its secret sits at another alignment, or was spoilt by a stray byte). The pair says
 * everything the lone half would: a half found on the line of a pair's half, with the same raw
 * value (partRefs), is dropped. Shown the same is not enough: a made-up key ID with a real one's
 * prefix and last four characters, beside an allowlisted pair, was dropped with it, unjudged.
 * (Lines count LF bytes in every view; columns do not: UTF-16 drops its NULs.)
 */
function dropPairedHalves(findings: readonly Finding[]): Finding[] {
  const at = (f: Finding, l: Location, ref: string) =>
    `${l.path}\n${l.line}\n${ref}\n${f.commit?.sha ?? ''}`;
  const halves = new Set<string>();
  for (const f of findings) {
    if (f.kind !== 'credential-pair' || f.partRefs === undefined) continue;
    halves.add(`access-key-id\n${at(f, f.location, f.partRefs[0])}`);
    if (f.partner !== undefined)
      halves.add(`secret-access-key\n${at(f, f.partner, f.partRefs[1])}`);
  }
  if (halves.size === 0) return [...findings];
  return findings.filter(
    (f) => f.valueRef === undefined || !halves.has(`${f.kind}\n${at(f, f.location, f.valueRef)}`),
  );
}

/** A finding and what the suppression chain made of it. */
interface Judged {
  readonly finding: Finding;
  readonly reason?: SuppressionReason;
  /** Suppressed by a path allowlist entry or a baseline entry: both name the finding's path. */
  readonly byPath: boolean;
}

/** The same credential (rule and raw values) at `path`, in the same commit. */
function echoKey(path: string, f: Finding): string {
  return `${path}\n${f.ruleId}\n${f.valueRef}\n${f.commit?.sha ?? ''}`;
}

/**
 * An archive's raw bytes are scanned as well as its entries (nothing outside the entries is lost),
 * so a key in a stored zip entry or a tar is seen twice: as `a.zip` and as `a.zip!x.env`. The
 * entry's finding is the one that says where the key is, so the raw one is dropped.
 *
 * Only the same credential is an echo: the same rule and the same raw values (valueRef), never
 * just the same secret hash, which a key ID alone does not have. A finding without a valueRef is
 * never dropped.
 *
 * This runs after the suppression chain, because what became of the entry's finding decides.
 * Reported: the raw one goes, the entry's says it all. Suppressed by a path or baseline entry:
 * those name the entry's path (a baseline is written from a report, which never held the echo),
 * so the raw one goes too. Suppressed by its line or value (inline marker, line or value
 * allowlist): a true echo holds the same line and value and is suppressed on its own; a raw one
 * that is not is the key again somewhere else in the archive (its comment, a pax header),
 * unmarked, and it stays, judged like any other finding.
 */
function dropContainerEchoes(judged: readonly Judged[]): Judged[] {
  // Per enclosing archive: whether an entry's finding of the credential lets the raw one go.
  const inside = new Map<string, boolean>();
  for (const { finding: f, reason, byPath } of judged) {
    // A value in a name is not in the container's bytes: neither an entry nor an echo.
    if (f.valueRef === undefined || f.location.where === 'name') continue;
    const bang = f.location.path.indexOf('!');
    if (bang === -1) continue;
    const covers = reason === undefined || byPath;
    // Every enclosing level: `a.zip` for `a.zip!b.jar!c.env`, and `a.zip!b.jar`.
    for (let at = bang; at !== -1; at = f.location.path.indexOf('!', at + 1)) {
      const key = echoKey(f.location.path.slice(0, at), f);
      inside.set(key, (inside.get(key) ?? false) || covers);
    }
  }
  if (inside.size === 0) return [...judged];
  return judged.filter(({ finding: f, reason }) => {
    if (f.valueRef === undefined || f.location.where === 'name') return true;
    const covered = inside.get(echoKey(f.location.path, f));
    return covered === undefined || (!covered && reason === undefined);
  });
}

/**
 * Dedupe, then the suppression chain, in order: allowlists (value entries marked by the engine,
 * then paths), inline pragma, baseline; then archives' raw-byte echoes of their entries' findings
 * are dropped. Pure: findings in, kept and suppressed out.
 */
export function applyFilters(findings: readonly Finding[], ctx: FilterContext): FilterResult {
  const entries = ctx.baseline ?? [];
  const baseline = new Map(entries.map((e) => [entryKey(e), e]));
  const legacyHash = new Map([...legacyTokens(entries)].map(([hash, token]) => [token, hash]));
  const used = new Set<string>();
  const judged: Judged[] = [];
  const shown = nameMasker(findings);
  for (const f of dedupe(findings)) {
    const byValue = f.allowedBy;
    const byPath = byValue === undefined ? pathReason(f, ctx.pathAllow, shown) : undefined;
    const reason =
      byValue ??
      byPath ??
      (f.pragma !== undefined
        ? { by: 'pragma' as const, entry: f.pragma, reason: `inline ${f.pragma}` }
        : undefined);
    if (reason !== undefined) {
      judged.push({ finding: f, reason, byPath: byPath !== undefined });
      continue;
    }
    const key = findingKeys(f, legacyHash, shown).find((k) => baseline.has(k));
    const entry = key === undefined ? undefined : baseline.get(key);
    if (key !== undefined && entry !== undefined) {
      used.add(key);
      judged.push({
        finding: f,
        reason: { by: 'baseline', entry: entryLabel(entry), reason: 'accepted in baseline' },
        byPath: true,
      });
      continue;
    }
    judged.push({ finding: f, byPath: false });
  }
  const kept: Finding[] = [];
  const suppressed: Suppression[] = [];
  for (const { finding, reason } of dropContainerEchoes(judged)) {
    if (reason === undefined) kept.push(finding);
    else suppressed.push({ finding, reason });
  }
  const staleBaseline = [...baseline].filter(([k]) => !used.has(k)).map(([, e]) => e);
  return { kept, suppressed, staleBaseline };
}
