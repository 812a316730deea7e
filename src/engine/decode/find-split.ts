import type { EncodedRun } from './find-encoded.js';

/**
 * Split keys: a key ID or secret written as pieces that the program joins (`"AKIA" + "…"`,
 * `"AKIA" "…"`, `'AKIA'"…"`, `` `AKIA${"…"}` ``, `["AKIA", "…"].join("")`, a YAML scalar folded over
 * lines). Each chain of pieces becomes a run whose text is the joined value, so the engine scans
 * it like any decoded text and reports it at the first piece.
 *
 * Cheap by construction: a key-ID chain starts only at a key-ID prefix (`AKIA`…, a keyword the
 * chunk's own scan found already) written as a short fragment that a closing quote (or the end
 * of a YAML line) cuts; a secret chain only after a secret's label or a key ID. Every chain is
 * bounded (pieces, characters, lines) and each trigger reads on from where the last chain ended,
 * so the whole search is linear in the text.
 */

/** At most this many pieces in one chain: a 40-character secret in 4-character pieces is 10. */
export const MAX_PIECES = 12;
/** A chain spans at most this many characters, first piece to last. */
const MAX_SPAN = 640;
/** A chain crosses at most this many line breaks. */
const MAX_BREAKS = 12;
/** A key-ID chain joins to this many characters at least, and at most. */
const KEY_ID_MIN = 16;
const KEY_ID_MAX = 64;
/** The length of an AWS secret access key: a secret chain must join to exactly this. */
const SECRET_LENGTH = 40;
/** A piece holds at most this many characters (a whole secret). */
const MAX_PIECE = 40;
/** How far after a secret's label, or after a key ID, a secret chain may start. */
const SECRET_REACH = 400;
/** ...and on how many lines after the one that holds the label or key ID. */
const SECRET_LINES = 2;
/**
 * How many lines below the first line of a secret's label or key ID a secret chain's last piece
 * can be: a key ID chain's breaks, the lines to the secret's first piece, its chain's breaks. The
 * pre-commit prefilter shows that many unchanged lines around a change (bin/keyguard-pre-commit).
 */
export const CHAIN_REACH_LINES = MAX_BREAKS + SECRET_LINES + MAX_BREAKS;

/** Characters of a key ID or secret: what a piece may hold. */
const VALUE = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=')
  VALUE[c.charCodeAt(0)] = 1;
const isValue = (text: string, i: number) => VALUE[text.charCodeAt(i)] === 1;
const isQuote = (c: string) => c === '"' || c === "'" || c === '`';

/** A join with an empty separator written before the list: `"".join([`, `concat!(`, `strings.Join(`… */
const JOIN_BEFORE =
  /(?:(?:""|'')\s*\.\s*join\s*\(\s*[[(]?|\b(?:String\.join|implode|join)\s*\(\s*(?:""|'')\s*,\s*(?:\[|array\s*\()?|\bimplode\s*\(\s*(?:\[|array\s*\()|\bconcat!?\s*\(\s*\[?|\bstrings\.Join\s*\(\s*\[\]string\s*\{|\bstring\.(?:Concat|Join\s*\(\s*""\s*,)\s*\(?\s*(?:new\s*(?:string)?\s*\[\s*\]\s*\{)?)\s*$/;
/** A join with an empty separator written after the list: `].join("")`, `].join`, `}, "")`. */
const JOIN_AFTER =
  /^\s*(?:[\])]\s*\.\s*(?:join\s*\(\s*(?:""|''|``)?\s*\)|join\b(?!\s*\()|concat\s*\(\s*\))|\}\s*,\s*""\s*\))/;

/** A chain of pieces: where its first piece's value starts, where its last piece's value ends. */
interface Chain {
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly pieces: number;
  /** Offset after the chain (past the last closing quote): the next search starts there. */
  readonly next: number;
}

interface Piece {
  readonly start: number;
  readonly end: number;
  readonly value: string;
  readonly parts: number;
  /** Offset after the closing quote. */
  readonly next: number;
}

/** A chain too long to be a key: `next` says where it ends. */
const NOT_A_KEY: Chain = { start: 0, end: 0, value: '', pieces: 0, next: 0 };

/** The quoted literal opening at `at`, if it holds only value characters (a template: constants). */
function readPiece(text: string, at: number, limit: number): Piece | undefined {
  const q = text.charAt(at);
  let i = at + 1;
  if (q !== '`') {
    while (i < limit && i - at <= MAX_PIECE && isValue(text, i)) i++;
    if (i === at + 1 || text.charAt(i) !== q) return undefined;
    return { start: at + 1, end: i, value: text.slice(at + 1, i), parts: 1, next: i + 1 };
  }
  // A template literal: value characters and `${"constant"}` interpolations, nothing else.
  let value = '';
  let parts = 0;
  let literal = false;
  while (i < limit && value.length <= MAX_PIECE) {
    if (isValue(text, i)) {
      value += text.charAt(i++);
      if (!literal) parts++;
      literal = true;
      continue;
    }
    if (text.charAt(i) === '`') {
      if (value === '') return undefined;
      return { start: at + 1, end: i, value, parts, next: i + 1 };
    }
    if (!text.startsWith('${', i)) return undefined;
    let j = i + 2;
    while (text.charAt(j) === ' ') j++;
    const inner = text.charAt(j);
    if (inner !== '"' && inner !== "'") return undefined;
    const piece = readPiece(text, j, limit);
    if (piece === undefined) return undefined;
    j = piece.next;
    while (text.charAt(j) === ' ') j++;
    if (text.charAt(j) !== '}') return undefined;
    value += piece.value;
    parts++;
    literal = false;
    i = j + 1;
  }
  return undefined;
}

/**
 * Where the next piece of a chain opens after `at` (past white space, a line continuation and one
 * joining operator), or -1. `commas`: the list is joined with an empty separator.
 */
function nextOpening(
  text: string,
  at: number,
  limit: number,
  commas: boolean,
  breaks: { n: number },
): number {
  const skip = (from: number) => {
    let i = from;
    while (i < limit) {
      const c = text.charAt(i);
      if (c === '\n') {
        if (++breaks.n > MAX_BREAKS) return -1;
      } else if (c === '\\' && (text.charAt(i + 1) === '\n' || text.charAt(i + 1) === '\r')) {
        // a line continuation (Python, shell, C)
      } else if (c !== ' ' && c !== '\t' && c !== '\r') return i;
      i++;
    }
    return -1;
  };
  let i = skip(at);
  if (i === -1) return -1;
  const two = text.slice(i, i + 2);
  const c = text.charAt(i);
  if (two === '..' || two === '||' || two === '<<') {
    if (text.charAt(i + 2) === '.' || text.charAt(i + 2) === '=') return -1;
    i += 2;
  } else if (
    c === '+' ||
    c === '.' ||
    c === '&' ||
    c === '^' ||
    c === '~' ||
    (commas && c === ',')
  ) {
    // `+=`, `++`, `&&`, `.foo`: not a join of two literals.
    const after = text.charAt(i + 1);
    if (after === '=' || after === c) return -1;
    i += 1;
  } else if (!isQuote(c)) return -1;
  i = skip(i);
  if (i === -1) return -1;
  // A string prefix on the next literal: Python r"…"/b"…", C# @"…", C L"…".
  for (let k = 0; k < 2 && /[rRbBuUL@]/.test(text.charAt(i)); k++) i++;
  return isQuote(text.charAt(i)) ? i : -1;
}

/** The chain of quoted pieces whose first literal opens at `open`. */
function readChain(text: string, open: number): Chain | undefined {
  const limit = Math.min(text.length, open + MAX_SPAN);
  const first = readPiece(text, open, limit);
  if (first === undefined) return undefined;
  const breaks = { n: 0 };
  let value = first.value;
  let pieces = first.parts;
  let last = first;
  let commaAt = -1;
  let atComma: Piece | undefined;
  for (;;) {
    const at = nextOpening(text, last.next, limit, true, breaks);
    if (at === -1) break;
    const piece = readPiece(text, at, limit);
    if (piece === undefined) break;
    // More pieces than any key needs: one value that is no key, and no key starts inside it.
    if (pieces + piece.parts > MAX_PIECES) return { ...NOT_A_KEY, next: piece.next };
    if (commaAt === -1 && text.slice(last.next, at).includes(',')) {
      commaAt = value.length;
      atComma = last;
    }
    value += piece.value;
    pieces += piece.parts;
    last = piece;
  }
  // A list's pieces join only under an empty separator, written before the list or after it.
  if (
    commaAt !== -1 &&
    !JOIN_BEFORE.test(text.slice(Math.max(0, open - 48), open)) &&
    !JOIN_AFTER.test(text.slice(last.next, last.next + 24))
  ) {
    // A plain list (call arguments, an array): only what precedes the first comma is one value.
    if (atComma === undefined || atComma === first) {
      return first.parts > 1 ? chainOf(first, first, first.value, first.parts) : undefined;
    }
    return rechain(text, open, atComma);
  }
  return pieces > 1 ? chainOf(first, last, value, pieces) : undefined;
}

/** The chain from `open` up to and including `stop`, joined without commas. */
function rechain(text: string, open: number, stop: Piece): Chain | undefined {
  const limit = stop.next;
  const first = readPiece(text, open, limit);
  if (first === undefined) return undefined;
  const breaks = { n: 0 };
  let value = first.value;
  let pieces = first.parts;
  let last = first;
  while (last.next < limit) {
    const at = nextOpening(text, last.next, limit, false, breaks);
    const piece = at === -1 ? undefined : readPiece(text, at, limit);
    if (piece === undefined) break;
    value += piece.value;
    pieces += piece.parts;
    last = piece;
  }
  return pieces > 1 ? chainOf(first, last, value, pieces) : undefined;
}

function chainOf(first: Piece, last: Piece, value: string, pieces: number): Chain {
  return { start: first.start, end: last.end, value, pieces, next: last.next };
}

/** How far a YAML line is read (its indentation and name): longer lines are no YAML scalar here. */
const YAML_LINE = 240;

/** The start of the line holding `at`, or -1 when it starts more than YAML_LINE characters back. */
function lineStartOf(text: string, at: number): number {
  for (let i = at; i > at - YAML_LINE; i--) if (i === 0 || text.charAt(i - 1) === '\n') return i;
  return -1;
}

function indentOf(text: string, lineStart: number): number {
  let i = lineStart;
  while (i - lineStart < YAML_LINE && (text.charAt(i) === ' ' || text.charAt(i) === '\t')) i++;
  return i - lineStart;
}
/** `name:` then a value on the same line: a YAML plain scalar may go on over indented lines. */
const YAML_PLAIN = /^\s*(?:-\s+)?[\w.$-]+\s*:\s+$/;
/** A YAML block scalar header ending a line: `name: >-`, `name: |`. */
const YAML_BLOCK = /:\s*[>|][-+]?[1-9]?\s*$/;

/** The end of the line holding `at` (without its `\r`), or -1 past YAML_LINE characters on. */
function lineEndOf(text: string, at: number): number {
  const window = text.slice(at, at + YAML_LINE);
  const nl = window.indexOf('\n');
  if (nl === -1 && at + YAML_LINE < text.length) return -1;
  const end = nl === -1 ? text.length : at + nl;
  return text.charAt(end - 1) === '\r' ? end - 1 : end;
}

/**
 * A YAML scalar folded over lines whose first piece starts at `at` (the rest of its line is value
 * characters only), continued by lines indented deeper than `owner`'s and holding value characters
 * only.
 */
function readYamlChain(text: string, at: number, ownerIndent: number): Chain | undefined {
  let end = lineEndOf(text, at);
  if (end === -1) return undefined;
  let i = at;
  while (i < end && isValue(text, i)) i++;
  if (i === at || i - at > MAX_PIECE || text.slice(i, end).trim() !== '') return undefined;
  let value = text.slice(at, i);
  let last = i;
  let pieces = 1;
  const limit = Math.min(text.length, at + MAX_SPAN);
  while (end + 1 < limit) {
    const lineStart = end + (text.charAt(end) === '\r' ? 2 : 1);
    const indent = indentOf(text, lineStart);
    if (indent <= ownerIndent) break;
    const from = lineStart + indent;
    const lineEnd = lineEndOf(text, lineStart);
    if (lineEnd === -1) break;
    let j = from;
    while (j < lineEnd && isValue(text, j)) j++;
    if (j === from || j - from > MAX_PIECE || text.slice(j, lineEnd).trim() !== '') break;
    if (pieces === MAX_PIECES) return { ...NOT_A_KEY, next: j };
    value += text.slice(from, j);
    last = j;
    pieces++;
    end = lineEnd;
  }
  return pieces > 1 ? { start: at, end: last, value, pieces, next: last } : undefined;
}

/** How the pieces were joined, for the finding's note. */
const HOW = 'concatenated';

function runOf(chain: Chain): EncodedRun {
  return { start: chain.start, end: chain.end, text: chain.value, how: HOW, assembled: true };
}

/** A key-ID chain starting with the prefix at `at`, if the prefix opens a short fragment. */
function keyIdChain(text: string, at: number, prefixLength: number): Chain | undefined {
  let e = at + prefixLength;
  while (e < text.length && e - at < 20 && isValue(text, e)) e++;
  if (e - at >= 20) return undefined;
  const before = text.charAt(at - 1);
  if (isQuote(before)) {
    const after = text.charAt(e);
    if (after !== before && !(before === '`' && text.startsWith('${', e))) return undefined;
    return readChain(text, at - 1);
  }
  // Unquoted: a YAML scalar, its first piece on the name's line or first in a block.
  const lineStart = lineStartOf(text, at);
  if (lineStart === -1) return undefined;
  const head = text.slice(lineStart, at);
  if (YAML_PLAIN.test(head)) return readYamlChain(text, at, indentOf(text, lineStart));
  if (head.trim() !== '' || lineStart === 0) return undefined;
  const prevStart = lineStartOf(text, lineStart - 1);
  if (prevStart === -1) return undefined;
  const prev = text.slice(prevStart, lineStart - 1);
  if (!YAML_BLOCK.test(prev)) return undefined;
  return readYamlChain(text, at, indentOf(text, prevStart));
}

/** A quoted piece followed by something that may join it to another, or a template's `${`. */
const SECRET_HINT =
  /["'`][A-Za-z0-9+/=]{1,40}(?:["'`][ \t]*(?:[+.&|^~<,\\"'`@rRbBuUL]|\r?$)|\$\{)/m;
/** The end of a line that may start a YAML scalar over lines: `: >-`, `: |`, `: <piece>`. */
const YAML_HINT = /:\s*(?:[>|][-+]?[1-9]?|[A-Za-z0-9+/=]{1,40})\s*$/;

/** A quoted literal of value characters, then something that may join it to another. */
const SECRET_START = /["'`][A-Za-z0-9+/=]{1,39}["'`$]/y;

/** Secret chains (joined to exactly 40 characters) starting in [from, to). */
function secretChains(text: string, from: number, to: number, out: Chain[]): number {
  let i = from;
  let done = from;
  while (i < to) {
    let q = -1;
    for (let k = i; k < to; k++) {
      if (isQuote(text.charAt(k))) {
        q = k;
        break;
      }
    }
    if (q === -1) break;
    SECRET_START.lastIndex = q;
    const chain = SECRET_START.test(text) ? readChain(text, q) : undefined;
    if (chain !== undefined) {
      if (chain.value.length === SECRET_LENGTH && /^[A-Za-z0-9+/]+$/.test(chain.value))
        out.push(chain);
      i = chain.next;
      done = chain.next;
    } else i = q + 1;
  }
  return Math.max(done, i);
}

/** The end of the `n`-th line after the one holding `at`, at most `cap` characters on. */
function reachEnd(text: string, at: number, n: number, cap: number): number {
  // Searched in a window: a line may be a megabyte long, and there are many triggers on it.
  const window = text.slice(at, at + cap);
  let nl = window.indexOf('\n');
  for (let k = 0; k < n && nl !== -1; k++) nl = window.indexOf('\n', nl + 1);
  return nl === -1 ? at + window.length : at + nl;
}

/** A secret in a YAML scalar folded over lines, its label ending the line at `at` or its first piece on it. */
function yamlSecretChain(text: string, label: number): Chain | undefined {
  const lineStart = lineStartOf(text, label);
  const lineEnd = lineEndOf(text, label);
  if (lineStart === -1 || lineEnd === -1) return undefined;
  const line = text.slice(label, lineEnd);
  const ownerIndent = indentOf(text, lineStart);
  if (YAML_BLOCK.test(line)) {
    const next = lineEnd + (text.charAt(lineEnd) === '\r' ? 2 : 1);
    if (next >= text.length) return undefined;
    const first = next + indentOf(text, next);
    return readYamlChain(text, first, ownerIndent);
  }
  const m = /:\s+(?=[A-Za-z0-9+/=]+\s*$)/.exec(line);
  if (m === null || !YAML_PLAIN.test(text.slice(lineStart, label + m.index + m[0].length)))
    return undefined;
  return readYamlChain(text, label + m.index + m[0].length, ownerIndent);
}

/**
 * Runs of split keys in `text`: key-ID chains at the prefixes at `prefixes` (offsets of key-ID
 * keywords, with their lengths), and secret chains joining to 40 characters after a secret's
 * label (`labels`) or after a key ID (`keyIds`: where each key ID, whole or split, ends).
 */
export function findSplitRuns(
  text: string,
  prefixes: readonly { readonly at: number; readonly length: number }[],
  labels: readonly number[],
  keyIds: readonly number[],
): EncodedRun[] {
  const chains: Chain[] = [];
  const labelled = new Set(labels);
  const secretFrom: number[] = [...labels, ...keyIds];
  let done = 0;
  for (const p of [...prefixes].sort((a, b) => a.at - b.at)) {
    if (p.at < done) continue;
    const chain = keyIdChain(text, p.at, p.length);
    if (chain === undefined) continue;
    done = chain.next;
    // Key IDs are 20 characters (other packs' a few more): shorter or longer joins are no key.
    if (chain.value.length < KEY_ID_MIN || chain.value.length > KEY_ID_MAX) continue;
    chains.push(chain);
    secretFrom.push(chain.next);
  }
  done = 0;
  for (const at of secretFrom.sort((a, b) => a - b)) {
    if (labelled.has(at)) {
      // Most labels end no YAML scalar: one test of the label's line settles those.
      const line = text.slice(at, at + YAML_LINE);
      const nl = line.indexOf('\n');
      const yaml = YAML_HINT.test(nl === -1 ? line : line.slice(0, nl))
        ? yamlSecretChain(text, at)
        : undefined;
      if (yaml !== undefined && yaml.value.length === SECRET_LENGTH) {
        chains.push(yaml);
        done = Math.max(done, yaml.next);
        continue;
      }
    }
    const from = Math.max(done, at);
    const to = reachEnd(text, from, SECRET_LINES, SECRET_REACH);
    if (from >= to) continue;
    // Most windows hold no quoted piece that something joins: one test settles those.
    if (!SECRET_HINT.test(text.slice(from, to))) {
      done = to;
      continue;
    }
    done = secretChains(text, from, to, chains);
  }
  return chains.map(runOf);
}
