import type { Chunk, CommitRef, LineRange } from '../model/chunk.js';
import type { EngineAllowlist } from '../model/config.js';
import type {
  Finding,
  FindingKind,
  Location,
  PairBasis,
  SuppressionReason,
} from '../model/finding.js';
import type { CompiledPack, CompiledRule, RuleSpec } from '../model/rule.js';
import type { CredentialCollector } from './collect-credentials.js';
import { scanDecoded } from './decode/scan-decoded.js';
import { fingerprintOf } from './fingerprint.js';
import { firstIndex } from './first-index.js';
import { gluedKeyIds, gluedSecrets, isPacked } from './glued-values.js';
import { markerLines } from './inline-markers.js';
import { keyFactsFor } from './key-facts.js';
import { labelOf, readLabel } from './label.js';
import { labelAnchorOffsets } from './label-anchors.js';
import { createLineIndex, type LineIndex } from './line-index.js';
import { maskFreeText } from './mask-free-text.js';
import { type MaskSpan, maskLine, prepareMasks } from './mask-line.js';
import { findMatches, type RawMatch } from './match.js';
import { pairMatches, type SecretNaming } from './pair.js';
import { positionalTokens } from './positional-token.js';
import { findKeywords } from './prefilter.js';
import { redactValue, sha256Hex } from './redact.js';
import { type Anchor, lineRegionsAround, regionsAround } from './scan-regions.js';
import { isPlausibleValue } from './value-checks.js';
import { isUnguessable, valueHashes, valueRef } from './value-hashes.js';

/** A key-ID keyword's offset and length. */
interface KeyPrefix {
  readonly at: number;
  readonly length: number;
}

interface Emit {
  readonly spec: RuleSpec;
  readonly kind: FindingKind;
  readonly primary: RawMatch;
  readonly partner?: RawMatch;
  readonly allowedBy?: SuppressionReason;
  readonly pairedBy?: PairBasis;
  /** Found in encoded text: how it was decoded (the matches stand at the encoded run). */
  readonly decoded?: string;
  /** Written in pieces: how they were joined (the matches stand at the pieces). */
  readonly assembled?: string;
}

function builtinReason(pack: CompiledPack, value: string): SuppressionReason | undefined {
  const exact = pack.builtinAllow.values.get(value);
  if (exact !== undefined) return { by: 'builtin', entry: 'example-value', reason: exact };
  for (const p of pack.builtinAllow.patterns) {
    if (p.regex.test(value)) return { by: 'builtin', entry: p.entry, reason: p.reason };
  }
  return undefined;
}

function userReason(
  allow: EngineAllowlist,
  values: readonly RawMatch[],
  lines: readonly number[],
  lineReason: (line: number) => SuppressionReason | undefined,
): SuppressionReason | undefined {
  for (const { rule, value } of values) {
    const hash = allow.hashes.size === 0 ? undefined : sha256Hex(value);
    const reason = hash === undefined ? undefined : allow.hashes.get(hash);
    if (reason !== undefined) {
      // The entry names its hash only when that hash is safe to show (see value-hashes).
      const entry = isUnguessable(rule, value) ? `sha256:${hash}` : 'sha256 (allowlist.secrets)';
      return { by: 'allowlist', entry, reason };
    }
    for (const r of allow.secretRegexes) {
      if (r.regex.test(value)) return { by: 'allowlist', entry: r.entry, reason: r.reason };
    }
  }
  for (const line of lines) {
    const reason = lineReason(line);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/**
 * The first line allowlist entry matching each line, tested once per line: findings that share a
 * long line must not run every pattern over it once each.
 */
function lineReasons(
  allow: EngineAllowlist,
  index: LineIndex,
  chunk: Chunk,
): (line: number) => SuppressionReason | undefined {
  const known = new Map<number, SuppressionReason | null>();
  // A line a window edge cut (longer than the reader's window) is seen only in part here: an
  // anchored pattern (`x$`) could match the part and hide a key, so such a line is never allowed
  // by a line pattern. The first line is cut when the window starts mid-line; the last when the
  // window ends before the file does (its own part stops short of its text) without a newline.
  const firstCut = (chunk.firstColumn ?? 1) > 1;
  const lastCut =
    chunk.ownTo !== undefined && chunk.ownTo < chunk.text.length && !chunk.text.endsWith('\n');
  return (line) => {
    if (allow.lineRegexes.length === 0) return undefined;
    if ((firstCut && line === 1) || (lastCut && line === index.lineCount)) return undefined;
    let reason = known.get(line);
    if (reason === undefined) {
      const text = index.lineText(line);
      const r = allow.lineRegexes.find((x) => x.regex.test(text));
      reason = r === undefined ? null : { by: 'allowlist', entry: r.entry, reason: r.reason };
      known.set(line, reason);
    }
    return reason ?? undefined;
  };
}

/** Whether a location touches one of the reportable ranges (sorted by start, merged on demand). */
function reportableTest(ranges: readonly LineRange[] | undefined): (loc: Location) => boolean {
  if (ranges === undefined) return () => true;
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  // Running maximum of range ends: the ranges up to i cover a line >= x iff maxEnd[i] >= x.
  const maxEnd: number[] = [];
  for (const r of sorted) maxEnd.push(Math.max(maxEnd.at(-1) ?? Number.NEGATIVE_INFINITY, r.end));
  return (loc) => {
    // The last range starting at or before loc.endLine; some range up to it must end >= loc.line.
    const lo = firstIndex(sorted.length, (i) => (sorted[i] as LineRange).start > loc.endLine);
    return lo > 0 && (maxEnd[lo - 1] as number) >= loc.line;
  };
}

/** Lone matches become findings only as their rule's report policy says. */
function reportsAlone(rule: CompiledRule, m: RawMatch, index: LineIndex): boolean {
  if (rule.report === 'always') return true;
  if (rule.report === 'never' || rule.labels === undefined) return false;
  return labelOf(index, m.start, rule.labels) !== 'none';
}

/** How a secret candidate is named, for pairing (see `SecretNaming`). */
function namingOf(m: RawMatch, index: LineIndex): SecretNaming {
  const labels = m.rule.labels;
  if (labels === undefined) return 'plain';
  const reading = readLabel(index, m.start, labels);
  if (reading.strength !== 'none') return 'labelled';
  if (reading.other) return 'other';
  return reading.named === undefined
    ? 'plain'
    : reading.named === 'credential'
      ? 'credential'
      : 'named';
}

/**
 * Whole-text rules (key IDs) run first; labelled rules (secrets, tokens) then run only near their
 * keywords where those are part of a label or a value (that line and the next two: a comment may
 * sit between a name and its value; see label-anchors.ts) and
 * inside the pairing window of a key ID found. That keeps the 40-character scan, the engine's
 * costliest step, off the bulk of every file.
 */
function findAllMatches(
  text: string,
  pack: CompiledPack,
  keywordAt?: Int32Array,
): { raw: RawMatch[]; index?: LineIndex; labels: number[]; prefixes: KeyPrefix[] } {
  const hits = findKeywords(text, pack.rules, keywordAt);
  const selected = hits.selected;
  // Where a key-ID keyword sits: a split key's first piece starts there (see decode/find-split).
  const prefixes: KeyPrefix[] = [];
  for (const rule of selected) {
    if (rule.spec.kind !== 'key-id') continue;
    for (const k of rule.keywords)
      for (const at of hits.offsetsOf(k)) prefixes.push({ at, length: k.length });
  }
  const raw = selected
    .filter((r) => r.report !== 'labelled')
    .flatMap((rule) => findMatches(text, rule));
  // Packed binary data glues values to their neighbours: see glued-values.ts.
  const packed = selected.length > 0 && isPacked(text);
  if (packed) {
    for (const rule of selected) {
      if (rule.report !== 'labelled') for (const m of gluedKeyIds(text, rule, raw)) raw.push(m);
    }
  }
  let index: LineIndex | undefined;
  // Where a secret's label keyword sits: the value after it may be base64 (see decode/).
  const labels: number[] = [];
  for (const rule of pack.rules) {
    if (rule.report !== 'labelled') continue;
    const anchors: Anchor[] = [];
    for (const p of pack.pairs) {
      if (p.secret !== rule.id) continue;
      const chars = Math.min(p.withinChars, 1 << 20);
      for (const m of raw) {
        if (m.rule.id === p.keyId)
          anchors.push({
            offset: m.start,
            linesBefore: p.withinLines,
            linesAfter: p.withinLines,
            chars,
          });
      }
    }
    if (selected.includes(rule)) {
      for (const offset of labelAnchorOffsets(text, rule, hits)) {
        anchors.push({ offset, linesBefore: 0, linesAfter: 2, chars: LABEL_WINDOW });
        if (rule.kind === 'secret') labels.push(offset);
      }
    }
    if (anchors.length === 0) continue;
    // A label's anchors need no index over the whole text (see lineRegionsAround); pairs' do.
    const local = index === undefined && anchors.every((a) => a.linesBefore === 0);
    if (!local) index ??= createLineIndex(text);
    const regions =
      index === undefined ? lineRegionsAround(text, anchors) : regionsAround(index, anchors);
    // A loop, not push(...spread): a large file can hold more matches than call arguments allowed.
    for (const m of findMatches(text, rule, regions)) raw.push(m);
    if (packed) for (const m of gluedSecrets(text, rule, pack, raw)) raw.push(m);
  }
  if (raw.length > 0) index ??= createLineIndex(text);
  return index === undefined ? { raw, labels, prefixes } : { raw, index, labels, prefixes };
}

/** Matches of one text and what they are reported as: plausibility, allowlisted examples, pairs. */
function emitsOf(
  text: string,
  pack: CompiledPack,
  keywordAt?: Int32Array,
): { emits: Emit[]; raw: RawMatch[]; index?: LineIndex; labels: number[]; prefixes: KeyPrefix[] } {
  const { raw, index, labels, prefixes } = findAllMatches(text, pack, keywordAt);
  if (raw.length === 0 || index === undefined) return { emits: [], raw, labels, prefixes };
  const emits: Emit[] = [];
  const live: RawMatch[] = [];
  for (const m of raw) {
    if (!isPlausibleValue(m.rule.kind, m.value, m.rule.minEntropy)) continue;
    const builtin = builtinReason(pack, m.value);
    if (builtin === undefined) live.push(m);
    else if (reportsAlone(m.rule, m, index)) {
      emits.push({ spec: m.rule.spec, kind: m.rule.findingKind, primary: m, allowedBy: builtin });
    }
  }
  const { pairs, unpaired } = pairMatches(live, pack.pairs, index, (m) => namingOf(m, index), text);
  for (const p of pairs) {
    emits.push({
      spec: p.pair.spec,
      kind: 'credential-pair',
      primary: p.keyId,
      partner: p.secret,
      pairedBy: p.basis,
    });
  }
  const alone = new Set(unpaired.filter((m) => reportsAlone(m.rule, m, index)));
  // A session token passed as the argument after a pair's secret is named by the statement.
  const positional = positionalTokens(
    pairs,
    unpaired.filter((m) => m.rule.kind === 'session-token' && !alone.has(m)),
    text,
  );
  for (const m of unpaired) {
    if (alone.has(m) || positional.has(m))
      emits.push({ spec: m.rule.spec, kind: m.rule.findingKind, primary: m });
  }
  return { emits, raw, index, labels, prefixes };
}

/**
 * The commit a chunk's findings name. For a commit message, its subject masked like any shown
 * line (every candidate value, and whatever else looks secret) and trimmed to a window: the raw
 * message never reaches a finding.
 */
function commitOf(
  chunk: Chunk,
  index: LineIndex,
  masks: readonly MaskSpan[],
): CommitRef | undefined {
  if (chunk.commit === undefined) return undefined;
  // Whatever message text a source attached is dropped: only the engine's masked subject is shown.
  // Author and email are anyone's to write (a key pair in a name): masked like free text.
  const { message: _raw, ...ref } = chunk.commit;
  const rest: CommitRef = {
    ...ref,
    ...(ref.author === undefined ? {} : { author: maskFreeText(ref.author) }),
    ...(ref.email === undefined ? {} : { email: maskFreeText(ref.email) }),
  };
  // Only a chunk that starts the message as UTF-8 text holds its subject (a window further into
  // a huge message, or a UTF-16 view of it, does not): those findings name the commit alone.
  const startsMessage =
    (chunk.firstLine ?? 1) === 1 &&
    (chunk.firstColumn ?? 1) === 1 &&
    (chunk.view ?? 'utf-8') === 'utf-8';
  if (chunk.commitMessage !== true || !startsMessage) return rest;
  const subject = { start: index.lineStart(1), end: index.lineEnd(1) };
  return { ...rest, message: maskLine(index.text, subject, subject.start, subject.start, masks) };
}

/** How far a label reaches along a very long (minified) line. */
const LABEL_WINDOW = 400;

/** Four letters starting with A, then 16 upper-case letters and digits: every AWS key ID. */
const AWS_KEY_ID_SHAPE = /^A[A-Z]{3}[A-Z0-9]{16}$/;

/**
 * Scans one chunk: prefilter → regex → plausibility → pairing → findings.
 * Raw values stay inside this function; findings carry redacted text and hashes only.
 */
export function detectChunk(
  chunk: Chunk,
  pack: CompiledPack,
  allow: EngineAllowlist,
  /** Opt-in (`--verify` only): receives the raw values of pair findings. */
  collector?: CredentialCollector,
): Finding[] {
  const text = chunk.text;
  const plain = emitsOf(text, pack, chunk.keywordAt);
  // Keys in encoded text (base64, escapes): decoded where a cheap search says one may hide, and
  // scanned by this same engine; their findings stand at the encoded run.
  const decoded = scanDecoded(text, pack, plain, chunk.plainOnly === true, (view) =>
    emitsOf(view, pack),
  );
  const raw = decoded === undefined ? plain.raw : [...plain.raw, ...decoded.raw];
  const emits =
    decoded === undefined
      ? plain.emits
      : [
          ...plain.emits.filter(
            (e) => e.partner !== undefined || !decoded.partnered.has(e.primary),
          ),
          ...decoded.emits,
        ];
  if (emits.length === 0) return [];
  const index = plain.index ?? createLineIndex(text);

  // An encoded run that held a match is shown as its encoding (`[base64]`), whole.
  const masks = prepareMasks([
    ...(decoded?.masks ?? []),
    ...raw.map(
      (m): MaskSpan => ({
        start: m.start,
        end: m.end,
        replacement: redactValue(m.rule.kind, m.value),
      }),
    ),
  ]);
  const lineOffset = (chunk.firstLine ?? 1) - 1;
  // A window cut mid-line: columns on its first line continue the line's count.
  const columnOffset = (chunk.firstColumn ?? 1) - 1;
  const column = (offset: number, line: number) =>
    index.columnOf(offset) + (line === 1 ? columnOffset : 0);
  // A name has no line of the file to point at: its findings say where in the name they are.
  const locate = (m: RawMatch): Location => {
    if (chunk.name === true)
      return {
        path: chunk.path,
        ...(chunk.pathBytes === undefined ? {} : { pathBytes: chunk.pathBytes }),
        line: 0,
        column: 0,
        endLine: 0,
        endColumn: 0,
        where: 'name',
        nameSpan: [m.start, m.end],
      };
    const endOffset = Math.max(m.start, m.end - 1);
    const line = index.lineOf(m.start);
    const endLine = index.lineOf(endOffset);
    return {
      path: chunk.path,
      ...(chunk.pathBytes === undefined ? {} : { pathBytes: chunk.pathBytes }),
      line: line + lineOffset,
      column: column(m.start, line),
      endLine: endLine + lineOffset,
      endColumn: column(endOffset, endLine) + 1,
    };
  };
  const touches = reportableTest(chunk.reportable);
  const commit = commitOf(chunk, index, masks);
  const lineReason = lineReasons(allow, index, chunk);
  const markers = markerLines(text, index, allow.otherMarkers !== false);
  // A window of a large file answers only for findings that start in its own part.
  const ownFrom = chunk.ownFrom ?? 0;
  const ownTo = chunk.ownTo ?? text.length;

  // An inline marker answers for its own line: a pair whose key ID and secret sit on different
  // lines, only one of them marked, is reported as its unmarked half (and the marked half is
  // counted as suppressed), never silenced whole by one marker.
  const split: Emit[] = [];
  for (const e of emits) {
    const partner = e.partner;
    if (partner === undefined) {
      split.push(e);
      continue;
    }
    const a = index.lineOf(e.primary.start);
    const b = index.lineOf(partner.start);
    if (a === b || markers.has(a) === markers.has(b)) {
      split.push(e);
      continue;
    }
    for (const half of [e.primary, partner]) {
      split.push({ spec: half.rule.spec, kind: half.rule.findingKind, primary: half });
    }
  }
  const findings: Finding[] = [];
  for (const e of split) {
    if (e.primary.start < ownFrom || e.primary.start >= ownTo) continue;
    const location = locate(e.primary);
    const partner = e.partner === undefined ? undefined : locate(e.partner);
    if (!touches(location) && (partner === undefined || !touches(partner))) continue;
    const identity = e.partner ?? e.primary;
    const hashes = valueHashes(identity.rule, identity.value, allow.hashing);
    const redacted = redactValue(e.primary.rule.kind, e.primary.value);
    const partnerRedacted =
      e.partner === undefined ? undefined : redactValue(e.partner.rule.kind, e.partner.value);
    // Only an AWS-shaped key ID has an account to decode (a rule pack's key-id rule may find
    // another vendor's IDs: those get no AWS facts).
    const keyFacts =
      (e.kind === 'access-key-id' || e.kind === 'credential-pair') &&
      AWS_KEY_ID_SHAPE.test(e.primary.value)
        ? keyFactsFor(e.primary.value)
        : undefined;
    const line = index.lineOf(e.primary.start);
    const bounds = { start: index.lineStart(line), end: index.lineEnd(line) };
    // A name's views have its offsets; the line shown is the name as it is, not a view of it.
    const lineText = maskLine(
      chunk.name === true ? chunk.path : text,
      bounds,
      e.primary.start,
      e.primary.end,
      masks,
    );
    const values = e.partner === undefined ? [e.primary] : [e.partner, e.primary];
    const lines = [line];
    if (e.partner !== undefined) lines.push(index.lineOf(e.partner.start));
    const allowedBy = e.allowedBy ?? userReason(allow, values, lines, lineReason);
    const pragma = lines.map((l) => markers.get(l)).find((m) => m !== undefined);
    findings.push({
      ruleId: e.spec.id,
      kind: e.kind,
      severity: e.spec.severity,
      title: e.spec.title,
      location,
      ...(partner === undefined ? {} : { partner }),
      redacted,
      ...(partnerRedacted === undefined ? {} : { partnerRedacted }),
      lineText,
      ...hashes,
      valueRef: valueRef(values.map((v) => v.value)),
      ...(e.partner === undefined
        ? {}
        : { partRefs: [valueRef([e.primary.value]), valueRef([e.partner.value])] as const }),
      // A guessable value's fingerprint is made of what the report shows anyway: stable across
      // runs and keys, and no function of the raw value that a search could test candidates on.
      // Made from the path as it is here; the app makes it again from the path as shown.
      fingerprint: fingerprintOf(
        e.spec.id,
        chunk.path,
        {
          ...hashes,
          redacted,
          ...(partnerRedacted === undefined ? {} : { partnerRedacted }),
          ...(keyFacts === undefined ? {} : { keyFacts }),
        },
        chunk.name === true ? 'name' : undefined,
      ),
      source: chunk.source,
      ...(commit === undefined ? {} : { commit }),
      ...(pragma === undefined ? {} : { pragma }),
      ...(e.pairedBy === undefined ? {} : { pairedBy: e.pairedBy }),
      ...(e.decoded === undefined ? {} : { decoded: e.decoded }),
      ...(e.assembled === undefined ? {} : { assembled: e.assembled }),
      ...(keyFacts === undefined ? {} : { keyFacts }),
      ...(allowedBy === undefined ? {} : { allowedBy }),
    });
    if (collector !== undefined && e.partner !== undefined) {
      collector.add(findings.at(-1), e.primary, e.partner, raw, index);
    }
  }
  return findings;
}
