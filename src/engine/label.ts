import type { CompiledLabels } from '../model/rule.js';
import type { LineIndex } from './line-index.js';

export type LabelStrength = 'strong' | 'weak' | 'none';

// Between a name and its value: quotes (typographic too), assignment, brackets, escapes (`\"`, `\n`, `%3D`,
// `\x3d`, `\u003d`, quoted-printable `=3D`), Markdown emphasis (`**`, and `_`/`__` after a non-name
// character: `key: __value__`), XML entities, closing tags and the inline HTML tags of tables
// (`</td><td>`).
const TRAILING_SEPARATORS =
  /(?:[\s"'`:=<>,;(){}[\]\\|&*?!\u2018\u2019\u201c\u201d\u00ab\u00bb]|\\[nrt]|\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|%[0-9A-Fa-f]{2}|=[0-9A-F]{2}|(?<![A-Za-z0-9_])_{1,3}|&(?:quot|#34|#39|apos|gt);|<\/[A-Za-z][\w:.-]*>|<(?:td|th|tr|span|div|code|pre|p|b|strong|em|li|dd|dt|kbd|tt)(?:\s[^<>]*)?>)+$/;
/** Characters of a name (`[A-Za-z0-9_.\-:/@$]`): read backwards from a cut point, one lookup each. */
const NAME_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-:/@$')
  NAME_CHAR[c.charCodeAt(0)] = 1;
const NAME = /[A-Za-z0-9_.\-:/@$]+/g;
// `AWS Secret Access Key [None]: ` (the aws configure prompt shows the current value in brackets).
const PROMPT_DEFAULT = / \[[^\]"'=\n]{0,40}\]:\s*$/;
const PHRASE_GAP = /^[ \t]{1,2}$/;
const PREFIX_WINDOW = 160;
const MAX_NAMES = 5;
const LINE_BEFORE_NAMES = 12;
const MAX_COMMENTS = 2;
const PHRASE_WORDS = 5;
/** Names that say the value is something else: a digest, a nonce, another kind of secret. */
const OTHER_NAME =
  /sha(?:1|256|384|512)|hash|checksum|digest|integrity|etag|signature|fingerprint|commit|revision|nonce|salt|uuid|guid|requestid|hostid|csrf|xsrf|jwt|webhook|clientsecret|appsecret|signingsecret|sessionsecret|cookiesecret|apikey/;
/** Written just before an encrypted value: SOPS `ENC[…data:`, jasypt `ENC(`, Vault transit, Travis `secure:`. */
const ENCRYPTED = /(?:ENC\[[A-Z0-9_]+,data:|ENC\(|vault:v\d+:|secure:\s*["']?)$/;
/** A comment-only line between a name and its value (`# rotated 2024-01`), after its indent. */
const COMMENT_START = /^(?:#|\/\/|;|--|<!--|\/\*|\*)/;
const SUFFIX_WINDOW = 80;
/** Django's and Flask's signing key: never an AWS label, however close to AWS settings. */
const FRAMEWORK_KEYS = new Set(['SECRET_KEY', 'SECRET_KEY_BASE', 'WTF_CSRF_SECRET_KEY']);

interface Name {
  readonly text: string;
  /** The separator text between this name and what follows it. */
  readonly after: string;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The names written before a value on its line, nearest first (`a = x, b = "` → b, a). */
function namesBefore(prefix: string, limit: number): Name[] {
  const names: Name[] = [];
  let rest = prefix.replace(PROMPT_DEFAULT, ':');
  while (names.length < limit) {
    const sep = TRAILING_SEPARATORS.exec(rest);
    const after = sep === null ? '' : sep[0];
    rest = rest.slice(0, rest.length - after.length);
    let at = rest.length;
    while (at > 0 && NAME_CHAR[rest.charCodeAt(at - 1)] === 1) at--;
    if (at === rest.length) break;
    names.push({ text: rest.slice(at), after });
    rest = rest.slice(0, at);
  }
  return names;
}

function strengthOf(name: string, labels: CompiledLabels): LabelStrength {
  const n = normalizeName(name);
  if (n === '') return 'none';
  if (labels.strong.test(n)) return 'strong';
  if (labels.weak?.test(n) && !FRAMEWORK_KEYS.has(name)) return 'weak';
  return 'none';
}

/** A name that only carries the value: `value`, `<string>`, `r"…"`, `@"…"`, a wrapping call. */
function isTransparent(name: Name, labels: CompiledLabels): boolean {
  const n = normalizeName(name.text);
  return n.length <= 1 || name.after.startsWith('(') || (labels.carrier?.test(n) ?? false);
}

/** Words written with single spaces (`AWS Secret Access Key`) read as one name. */
function phraseOf(names: readonly Name[], from: number): string {
  let phrase = names[from]?.text ?? '';
  for (let i = from + 1; i < names.length && i < from + PHRASE_WORDS; i++) {
    const name = names[i];
    if (name === undefined || !PHRASE_GAP.test(name.after)) break;
    phrase = `${name.text}_${phrase}`;
  }
  return phrase;
}

/** A strong name after a bare value on its line: `SET value = '…' WHERE name = 'aws_secret_key'`. */
function strongAfter(suffix: string, labels: CompiledLabels): LabelStrength {
  for (const name of suffix.match(NAME) ?? []) {
    if (labels.strong.test(normalizeName(name))) return 'strong';
  }
  return 'none';
}

function strongest(a: LabelStrength, b: LabelStrength): LabelStrength {
  if (a === 'strong' || b === 'strong') return 'strong';
  return a === 'weak' || b === 'weak' ? 'weak' : 'none';
}

/** Per chunk and context pattern: whether each line tested so far holds AWS context. */
const CONTEXT_SEEN = new WeakMap<LineIndex, Map<RegExp, Map<number, boolean>>>();

/**
 * Each line is tested once per chunk: a weak label on every value of a 1 MB line would otherwise
 * run the context pattern over that whole line once per value.
 */
function hasContext(index: LineIndex, line: number, labels: CompiledLabels): boolean {
  const context = labels.context;
  if (context === undefined) return false;
  let byPattern = CONTEXT_SEEN.get(index);
  if (byPattern === undefined) {
    byPattern = new Map();
    CONTEXT_SEEN.set(index, byPattern);
  }
  let seen = byPattern.get(context);
  if (seen === undefined) {
    seen = new Map();
    byPattern.set(context, seen);
  }
  const from = Math.max(1, line - labels.contextLines);
  const to = Math.min(index.lineCount, line + labels.contextLines);
  for (let l = from; l <= to; l++) {
    let hit = seen.get(l);
    if (hit === undefined) {
      hit = context.test(index.lineText(l));
      seen.set(l, hit);
    }
    if (hit) return true;
  }
  return false;
}

const NON_BLANK_BEFORE = new WeakMap<LineIndex, Map<number, number>>();

/** The nearest line at or above `line` that is not blank (0 when none), remembered per chunk. */
function nonBlankAtOrAbove(index: LineIndex, line: number): number {
  let known = NON_BLANK_BEFORE.get(index);
  if (known === undefined) {
    known = new Map();
    NON_BLANK_BEFORE.set(index, known);
  }
  const visited: number[] = [];
  let at = line;
  let found: number | undefined;
  while (at >= 1) {
    found = known.get(at);
    if (found !== undefined) break;
    if (index.contentStart(at) < index.lineEnd(at)) {
      found = at;
      break;
    }
    visited.push(at);
    at--;
  }
  const result = found ?? 0;
  for (const l of visited) known.set(l, result);
  known.set(line, result);
  return result;
}

/**
 * Generic credential names (`password`, `key`, `login … password …`): a value under one pairs
 * with a key ID close by, the way S3-compatible tools and netrc files write a key pair.
 */
const CREDENTIAL_NAME =
  /^(?:password|passwd|pwd|pass|passphrase|key|privatekey|private|credentials?|creds?|sk|secret\w*)$/;
/** Between a name and its value: an assignment, a closing tag, or only spaces (`password X`). */
const ASSIGNS = /[:=>]|^[ \t]+$/;
/** What reads as a value, not a name: a key ID, a URL, a long run of digits and capitals. */
const VALUE_LIKE = /(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12}|:\/\/|@|^[A-Z0-9+/]{16,}$/;

/** What the names before a value say, before any context check. */
export interface LabelReading {
  readonly strength: LabelStrength;
  /** The nearest real name says the value is something else (a hash, a nonce, a JWT secret). */
  readonly other: boolean;
  /**
   * The value is assigned to a name that is no AWS label (`trace_id: …`, `state=…`): a generic
   * credential name (`password`, `key`) or any other name. Absent for positional values (call
   * arguments, CSV fields, a value on a line of its own) and for carriers with no name.
   */
  readonly named?: 'credential' | 'unknown';
  readonly line: number;
}

/** Whether the nearest name assigns the value (and is a name, not the value before it). */
function namedAs(name: Name | undefined): 'credential' | 'unknown' | undefined {
  if (name === undefined || !ASSIGNS.test(name.after) || VALUE_LIKE.test(name.text))
    return undefined;
  return CREDENTIAL_NAME.test(normalizeName(name.text)) ? 'credential' : 'unknown';
}

/**
 * Reads the label of the value at `offset`: the nearest real name before it on its line (with
 * the words spaced before it); past carriers (`value:`, `<value>`, `"value": `, a wrapping call)
 * the strongest name left on the line, and then the names on the line before (Kubernetes env,
 * ECS task definitions, XML name/value pairs, YAML block scalars).
 */
export function readLabel(index: LineIndex, offset: number, labels: CompiledLabels): LabelReading {
  // Only the window around the value is read: never the whole line, which may be 1 MB long.
  const line = index.lineOf(offset);
  const start = index.lineStart(line);
  const text = index.text;
  const prefix = text.slice(Math.max(start, offset - PREFIX_WINDOW), offset);
  if (ENCRYPTED.test(prefix)) return { strength: 'none', other: true, line };
  const names = namesBefore(prefix, MAX_NAMES);
  let skip = 0;
  while (skip < names.length && isTransparent(names[skip] as Name, labels)) skip++;
  if (skip === 0 && names.length > 0) {
    const phrase = phraseOf(names, 0);
    const strength = strongest(
      strengthOf(names[0]?.text ?? '', labels),
      strengthOf(phrase, labels),
    );
    const other = strength === 'none' && OTHER_NAME.test(normalizeName(phrase));
    const named = strength === 'none' && !other ? namedAs(names[0]) : undefined;
    return { strength, other, ...(named === undefined ? {} : { named }), line };
  }
  let found: LabelStrength = 'none';
  for (let i = skip; i < names.length; i++) {
    found = strongest(found, strengthOf(phraseOf(names, i), labels));
  }
  // Only a bare carrier (`value:`, `<value>`) or no name at all hands over to the line before;
  // a carrier with other names on its line looks after the value instead (`SET value = … WHERE`).
  const first = names[0];
  const bare = first === undefined || (labels.carrier?.test(normalizeName(first.text)) ?? false);
  const tail = text.slice(offset, Math.min(index.lineEnd(line), offset + SUFFIX_WINDOW));
  if (found !== 'none' || !bare) return { strength: found, other: false, line };
  if (skip < names.length) {
    const strength = strongAfter(tail, labels);
    // `name="nonce" value="…"`, `<add key="TraceId" value="…"/>`: the value is the named one's
    // (a quoted name); `<constructor-arg value="…"/>` names no value, only an element.
    const real = names[skip] as Name;
    if (strength !== 'none' || VALUE_LIKE.test(real.text) || !/^["']/.test(real.after))
      return { strength, other: false, line };
    const phrase = normalizeName(phraseOf(names, skip));
    if (OTHER_NAME.test(phrase)) return { strength, other: true, line };
    const named = CREDENTIAL_NAME.test(normalizeName(real.text)) ? 'credential' : 'unknown';
    return { strength, other: false, named, line };
  }
  // The line before, past blank lines; a comment that names nothing hands over to the line above.
  let previous = nonBlankAtOrAbove(index, line - 1);
  for (let comments = 0; previous >= 1 && found === 'none' && comments <= MAX_COMMENTS; ) {
    const end = index.lineEnd(previous);
    const before = text.slice(Math.max(index.lineStart(previous), end - PREFIX_WINDOW), end);
    const names = namesBefore(before, LINE_BEFORE_NAMES);
    for (let i = 0; i < names.length; i++) {
      found = strongest(found, strengthOf(phraseOf(names, i), labels));
    }
    const head = index.contentStart(previous);
    if (!COMMENT_START.test(text.slice(head, Math.min(end, head + 4)))) break;
    comments++;
    previous = nonBlankAtOrAbove(index, previous - 1);
  }
  if (found === 'none') found = strongAfter(tail, labels);
  return { strength: found, other: false, line };
}

/**
 * How the value at `offset` is labelled. Weak labels (`secret_key`, `'secret' =>`) count only
 * with AWS context within `contextLines`.
 */
export function labelOf(index: LineIndex, offset: number, labels: CompiledLabels): LabelStrength {
  const reading = readLabel(index, offset, labels);
  if (reading.strength === 'weak' && !hasContext(index, reading.line, labels)) return 'none';
  return reading.strength;
}
