import type { CompiledPack } from '../../model/rule.js';
import { base64Fingerprints } from './base64-fingerprints.js';
import { type Base64Run, base64Finder, base64RunsIn, findBase64Runs } from './find-base64.js';
import { type EscapeFamily, escapedRunIn, findEscapedRuns } from './find-escaped.js';

/** A run of encoded text in a chunk, decoded (nested encodings inside it decoded too). */
export interface EncodedRun {
  /** Offsets of the encoded run in the text it was found in. */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** How it was decoded, outermost first: `base64`, `jwt`, `url`, `base64 → url`… */
  readonly how: string;
  /** A split key: pieces joined (see find-split.ts), not an encoding. */
  readonly assembled?: boolean;
}

/** What a pack lets the decoder look for, computed once per pack. */
interface DecodeContext {
  readonly finder: RegExp;
  readonly phases: ReadonlyMap<string, number>;
  /** Keywords of labelled secret rules: the value after one may be base64. */
  readonly labelWords: readonly string[];
}

/** Nesting is read this deep: base64 of base64, URL escapes inside base64, a JWT in an env file. */
export const MAX_DEPTH = 2;
/** A labelled value read as base64 must be this long: a 40-character secret is 54 without padding. */
const LABELLED_MIN = 52;
/** How far after a secret's label its base64 value may start (the label's line and the next). */
const LABELLED_REACH = 240;
const PRINTABLE = /^[\t\n\r\x20-\x7e]*$/;
const LONG_RUN = new RegExp(`[A-Za-z0-9+/_-]{${LABELLED_MIN}}`);
/** Decoded text that is base64 itself, whole: base64 of base64 (a value encoded twice). */
const WHOLE_BASE64 = /^\s*[A-Za-z0-9+/_-]{24,}={0,2}\s*$/;
const ESCAPE_NAMES: Readonly<Record<EscapeFamily, string>> = {
  url: 'url',
  escape: 'escapes',
  entity: 'html entities',
};

const CONTEXTS = new WeakMap<CompiledPack, DecodeContext | null>();

/** Four-letter key-ID prefixes (`AKIA`, `ASIA`…): the keywords of the pack's key-ID rules. */
export function keyIdPrefixes(pack: CompiledPack): string[] {
  const words = pack.rules
    .filter((r) => r.spec.kind === 'key-id')
    .flatMap((r) => r.keywords)
    .filter((k) => /^[A-Z0-9]{4,}$/.test(k));
  return [...new Set(words)];
}

export function decodeContext(pack: CompiledPack): DecodeContext | undefined {
  let ctx = CONTEXTS.get(pack);
  if (ctx === undefined) {
    const prefixes = keyIdPrefixes(pack);
    const first = prefixes.flatMap(base64Fingerprints);
    // base64 of base64, and of escapes: the fixed characters of each fingerprint, and of an
    // escaped first letter (`%41K`, `%41%4B`, `\u0041`, `&#65;`), encoded once more.
    const escaped = prefixes.flatMap((p) => [
      `%41${p.charAt(1)}`,
      `%41%${p.charCodeAt(1).toString(16).toUpperCase()}`,
    ]);
    const second = [...first.map((f) => f.text), ...escaped, '\\u0041', '&#65;', '&#x41;']
      .flatMap(base64Fingerprints)
      .filter((f) => f.text.length >= 4);
    const labelWords = pack.rules
      .filter((r) => r.spec.kind === 'secret' && r.report === 'labelled')
      .flatMap((r) => r.keywords);
    ctx =
      first.length === 0
        ? null
        : { ...base64Finder([...first, ...second]), labelWords: [...new Set(labelWords)] };
    CONTEXTS.set(pack, ctx);
  }
  return ctx ?? undefined;
}

function base64Text(run: Base64Run): string {
  return run.bytes.toString('utf8');
}

function encodedOf(run: Base64Run, text = base64Text(run)): EncodedRun {
  return { start: run.start, end: run.end, text, how: run.jwt ? 'jwt' : 'base64' };
}

/**
 * Values written right after a secret's label in base64 (a Kubernetes Secret's `data:`) or with
 * escapes (`"aws_secret_access_key": "\u0077…"`, `%252F`): the label says a secret follows, so no
 * key-ID trace is needed.
 */
function labelledRuns(
  text: string,
  ctx: DecodeContext,
  known: readonly number[] | undefined,
): EncodedRun[] {
  const runs: EncodedRun[] = [];
  let offsets = known;
  if (offsets === undefined) {
    const found: number[] = [];
    for (const word of ctx.labelWords) {
      for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length))
        found.push(at);
    }
    offsets = found;
  }
  if (offsets.length === 0) return runs;
  let done = 0;
  for (const at of [...offsets].sort((a, b) => a - b)) {
    const from = Math.max(done, at);
    // The label's line and the next, within reach: never a search past it (a line may be 1 MB).
    const window = text.slice(from, Math.min(text.length, at + LABELLED_REACH));
    const firstBreak = window.indexOf('\n');
    const secondBreak = firstBreak === -1 ? -1 : window.indexOf('\n', firstBreak + 1);
    const cut = secondBreak === -1 ? window : window.slice(0, secondBreak);
    // The run may begin before the label (a URL whose query holds it): read back to the last run.
    const escaped = escapedRunIn(text, from, cut, done);
    if (escaped !== undefined) {
      runs.push({ ...escaped, how: ESCAPE_NAMES[escaped.family] });
      done = Math.max(done, escaped.end);
    }
    // Most labels hold no long run after them: one native test of the window settles those.
    if (!LONG_RUN.test(cut)) continue;
    for (const run of base64RunsIn(text, Math.max(from, done), from + cut.length, LABELLED_MIN)) {
      const decoded = base64Text(run);
      if (PRINTABLE.test(decoded)) runs.push(encodedOf(run, decoded));
      done = Math.max(done, run.end);
    }
  }
  return runs;
}

/** Keeps the earliest of overlapping runs (sorted by start). */
export function disjoint(runs: EncodedRun[]): EncodedRun[] {
  runs.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: EncodedRun[] = [];
  for (const r of runs) {
    const last = out.at(-1);
    if (last === undefined || r.start >= last.end) out.push(r);
  }
  return out;
}

/** `text` with each run replaced by its decoded text. */
function replaceRuns(text: string, runs: readonly EncodedRun[]): string {
  let out = '';
  let at = 0;
  for (const r of runs) {
    out += text.slice(at, r.start) + r.text;
    at = r.end;
  }
  return out + text.slice(at);
}

/**
 * The encoded runs of `text` that may hold a key, decoded: base64 and base64url runs holding a
 * key-ID prefix's fingerprint (once or twice encoded), base64 values after a secret's label that
 * decode to text, and URL, JSON/JS and HTML escapes of a key ID's first letter. What a run decodes
 * to is searched again, `depth` levels deep. Every decoding shrinks its input, so the decoded
 * text is never longer than the text.
 */
export function findEncodedRuns(
  text: string,
  ctx: DecodeContext,
  depth = MAX_DEPTH,
  /** false: only values after a secret's label (the reader saw no encoded key ID's trace). */
  everywhere = true,
  /** Offsets of the secret label keywords in `text`, when the caller has them. */
  labels?: readonly number[],
): EncodedRun[] {
  const runs = labelledRuns(text, ctx, labels);
  if (everywhere) {
    for (const r of findBase64Runs(text, ctx.finder, ctx.phases)) runs.push(encodedOf(r));
    for (const r of findEscapedRuns(text)) {
      runs.push({ start: r.start, end: r.end, text: r.text, how: ESCAPE_NAMES[r.family] });
    }
  }
  const found = disjoint(runs);
  if (depth <= 1) return found;
  return found.map((r) => {
    const inner = findEncodedRuns(r.text, ctx, depth - 1);
    if (inner.length > 0)
      return { ...r, text: replaceRuns(r.text, inner), how: `${r.how} → ${inner[0]?.how ?? ''}` };
    if (!WHOLE_BASE64.test(r.text)) return r;
    const again = Buffer.from(r.text, 'base64').toString('utf8');
    return PRINTABLE.test(again) ? { ...r, text: again, how: `${r.how} → base64` } : r;
  });
}
