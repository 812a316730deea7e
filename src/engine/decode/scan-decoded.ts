import type { CompiledPack } from '../../model/rule.js';
import { firstIndex, lowerBound } from '../first-index.js';
import type { MaskSpan } from '../mask-line.js';
import type { RawMatch } from '../match.js';
import { LABELLED_CHARS, LABELLED_LINES } from '../pair.js';
import {
  decodeContext,
  disjoint,
  type EncodedRun,
  findEncodedRuns,
  MAX_DEPTH,
} from './find-encoded.js';
import { findSplitRuns } from './find-split.js';

/** What the engine makes of one text: its matches and what they are reported as. */
export interface Emitted {
  readonly primary: RawMatch;
  readonly partner?: RawMatch;
  /** For a finding inside encoded text: how it was decoded (`base64`, `base64 → url`…). */
  readonly decoded?: string;
  /** For a key written in pieces that the code joins: how they were joined (`concatenated`). */
  readonly assembled?: string;
}

/** What the chunk's own scan tells the decoder. */
export interface PlainScan {
  readonly raw: readonly RawMatch[];
  /** Where its secret label keywords are. */
  readonly labels: readonly number[];
  /** Where its key-ID keywords (`AKIA`…) are: a split key's first piece starts with one. */
  readonly prefixes: readonly { readonly at: number; readonly length: number }[];
}

export interface DecodedScan<E extends Emitted> {
  /** Findings to add, their matches at the encoded runs' offsets in the chunk. */
  readonly emits: readonly E[];
  /** Every match made in decoded text, at the chunk offsets of its encoded run. */
  readonly raw: readonly RawMatch[];
  /** The encoded runs that held a match: masked whole wherever a line is shown. */
  readonly masks: readonly MaskSpan[];
  /** Plain matches that a finding in decoded text took as its partner (no longer alone). */
  readonly partnered: ReadonlySet<RawMatch>;
}

/** An encoded run's place in a view: where its decoded text sits, and where the run is. */
interface Segment {
  readonly viewStart: number;
  readonly viewEnd: number;
  readonly run: EncodedRun;
}

/** A view: a part of the chunk with its encoded runs replaced by what they decode to. */
interface View {
  readonly start: number;
  readonly text: string;
  readonly segments: readonly Segment[];
}

/** Offset `n` lines before `at` (at most `cap` characters back), at a line start. */
function linesBack(text: string, at: number, n: number, cap: number): number {
  const floor = Math.max(0, at - cap);
  let i = at;
  for (let k = 0; k <= n; k++) {
    const nl = text.lastIndexOf('\n', i - 1);
    if (nl < floor) return floor;
    i = nl;
  }
  return i + 1;
}

/**
 * Offset `n` lines after `at` (at most `cap` characters on), at a line end. Asked for runs in
 * order: the first line break after the last offset asked is remembered, so 100,000 runs on one
 * long line cost one search, not one each.
 */
function linesForward(text: string): (at: number, n: number, cap: number) => number {
  let from = -1;
  let found = -1;
  const firstBreak = (at: number) => {
    if (from < 0 || at < from || (found !== -1 && found < at)) {
      from = at;
      found = text.indexOf('\n', at);
    }
    return found;
  };
  return (at, n, cap) => {
    const ceiling = Math.min(text.length, at + cap);
    let nl = firstBreak(at);
    for (let k = 0; k < n && nl !== -1 && nl < ceiling; k++) nl = text.indexOf('\n', nl + 1);
    return nl === -1 || nl >= ceiling ? ceiling : nl;
  };
}

/**
 * Views around the runs: each run with the lines around it that a label or a pairing partner
 * may sit on (the labelled pairing reach), runs that share lines in one view.
 */
function viewsOf(text: string, runs: readonly EncodedRun[]): View[] {
  const views: View[] = [];
  const forward = linesForward(text);
  let i = 0;
  while (i < runs.length) {
    const first = runs[i] as EncodedRun;
    const start = linesBack(text, first.start, LABELLED_LINES, LABELLED_CHARS);
    let end = forward(first.end, LABELLED_LINES, LABELLED_CHARS);
    const members: EncodedRun[] = [first];
    i++;
    while (i < runs.length && (runs[i] as EncodedRun).start < end) {
      const r = runs[i] as EncodedRun;
      members.push(r);
      end = Math.max(end, forward(r.end, LABELLED_LINES, LABELLED_CHARS));
      i++;
    }
    let out = '';
    let at = start;
    const segments: Segment[] = [];
    for (const r of members) {
      out += text.slice(at, r.start);
      segments.push({ viewStart: out.length, viewEnd: out.length + r.text.length, run: r });
      out += r.text;
      at = r.end;
    }
    out += text.slice(at, Math.max(at, end));
    views.push({ start, text: out, segments });
  }
  return views;
}

/** Index of the first segment ending after `offset` (segments are sorted and disjoint). */
function firstEndingAfter(segments: readonly Segment[], offset: number): number {
  return firstIndex(segments.length, (i) => (segments[i] as Segment).viewEnd > offset);
}

/** A view offset outside every run, at chunk offsets: shifted by the runs before it. */
function plainOffset(view: View, offset: number): number {
  const before = view.segments[firstEndingAfter(view.segments, offset) - 1];
  return before === undefined ? view.start + offset : offset + before.run.end - before.viewEnd;
}

/** A view match at chunk offsets, and the runs it touches. */
interface Mapped {
  readonly match: RawMatch;
  readonly runs: readonly EncodedRun[];
}

/** A view's match at chunk offsets: inside a run it stands at the whole run. */
function mapMatch(view: View, m: RawMatch): Mapped {
  const runs: EncodedRun[] = [];
  let first: Segment | undefined;
  let last: Segment | undefined;
  for (let i = firstEndingAfter(view.segments, m.start); i < view.segments.length; i++) {
    const s = view.segments[i] as Segment;
    if (s.viewStart >= Math.max(m.end, m.start + 1)) break;
    first ??= s;
    last = s;
    runs.push(s.run);
  }
  if (first === undefined || last === undefined) {
    return {
      match: { ...m, start: plainOffset(view, m.start), end: plainOffset(view, m.end) },
      runs,
    };
  }
  const start = m.start < first.viewStart ? plainOffset(view, m.start) : first.run.start;
  const end = m.end > last.viewEnd ? plainOffset(view, m.end) : last.run.end;
  return { match: { ...m, start, end }, runs };
}

/**
 * Keys hidden in encoded text (base64, JWT payloads, URL, JSON/JS and HTML escapes) or written in
 * pieces (split keys, see find-split.ts): the runs a
 * cheap search selects are decoded, each with the lines around it, and that text is scanned by
 * the same engine (`scan`). What is found inside a run is placed at the run; what the chunk's own
 * scan found already is left to it. Undefined when nothing in the chunk looks encoded.
 */
export function scanDecoded<E extends Emitted>(
  text: string,
  pack: CompiledPack,
  /** The chunk's own scan: its matches, where its secret label and key-ID keywords are. */
  plain: PlainScan,
  /** The reader saw no trace of an encoded key ID: only values after a secret's label are decoded. */
  plainOnly: boolean,
  scan: (view: string) => { emits: readonly E[]; raw: readonly RawMatch[] },
): DecodedScan<E> | undefined {
  const ctx = decodeContext(pack);
  if (ctx === undefined) return undefined;
  const encoded = findEncodedRuns(text, ctx, MAX_DEPTH, !plainOnly, plain.labels);
  // Split keys are looked for wherever a key-ID prefix or a secret's label is: the reader's
  // encoded-key trace says nothing about them.
  const keyIdEnds = plain.raw.filter((m) => m.rule.kind === 'key-id').map((m) => m.end);
  const split =
    plain.prefixes.length === 0 && plain.labels.length === 0
      ? []
      : findSplitRuns(text, plain.prefixes, plain.labels, keyIdEnds);
  const runs = split.length === 0 ? encoded : disjoint([...encoded, ...split]);
  const plainRaw = plain.raw;
  if (runs.length === 0) return undefined;
  const emits: E[] = [];
  const raw: RawMatch[] = [];
  const held = new Set<EncodedRun>();
  const partnered = new Set<RawMatch>();
  const plainAt = new Map<string, RawMatch>();
  // Starts of the chunk's own matches by rule and value, sorted: "found already?" is a search.
  const plainStarts = new Map<string, number[]>();
  for (const m of plainRaw) {
    plainAt.set(`${m.rule.id}@${m.start}`, m);
    const key = `${m.rule.id}\n${m.value}`;
    const list = plainStarts.get(key);
    if (list === undefined) plainStarts.set(key, [m.start]);
    else list.push(m.start);
  }
  for (const list of plainStarts.values()) list.sort((a, b) => a - b);
  // The chunk's own match of the same value: the match itself outside the runs, or one the rules
  // read inside a run as written (a secret with `%2F`).
  const plainOf = (x: Mapped): RawMatch | undefined => {
    if (x.runs.length === 0) return plainAt.get(`${x.match.rule.id}@${x.match.start}`);
    const starts = plainStarts.get(`${x.match.rule.id}\n${x.match.value}`);
    if (starts === undefined) return undefined;
    const i = lowerBound(starts, x.match.start);
    const at = starts[i];
    return at !== undefined && at < x.match.end
      ? plainAt.get(`${x.match.rule.id}@${at}`)
      : undefined;
  };
  const known = (x: Mapped) => x.runs.length === 0 || plainOf(x) !== undefined;
  // A half the chunk's own scan found keeps that match, which is then no longer reported alone.
  const own = (x: Mapped) => {
    const p = plainOf(x);
    if (p === undefined) return x.match;
    partnered.add(p);
    return p;
  };
  for (const view of viewsOf(text, runs)) {
    const found = scan(view.text);
    const mapped = new Map<RawMatch, Mapped>();
    for (const m of found.raw) {
      const x = mapMatch(view, m);
      mapped.set(m, x);
      if (x.runs.length === 0) continue;
      raw.push(x.match);
      for (const r of x.runs) held.add(r);
    }
    for (const e of found.emits) {
      const primary = mapped.get(e.primary) ?? mapMatch(view, e.primary);
      const partner =
        e.partner === undefined ? undefined : (mapped.get(e.partner) ?? mapMatch(view, e.partner));
      const run = primary.runs[0] ?? partner?.runs[0];
      if (run === undefined || (known(primary) && (partner === undefined || known(partner))))
        continue;
      emits.push({
        ...e,
        primary: own(primary),
        ...(partner === undefined ? {} : { partner: own(partner) }),
        ...(run.assembled === true ? { assembled: run.how } : { decoded: run.how }),
      });
    }
  }
  if (emits.length === 0 && held.size === 0) return undefined;
  const masks = [...held].map((r) => ({ start: r.start, end: r.end, replacement: `[${r.how}]` }));
  return { emits, raw, masks, partnered };
}
