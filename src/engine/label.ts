import type { CompiledLabels } from '../model/rule.js';
import type { LineIndex } from './line-index.js';

export type LabelStrength = 'strong' | 'weak' | 'none';

// Between a name and its value: quotes (typographic too), assignment, brackets, escapes (`\"`, `\n`, `%3D`), XML
// entities, closing tags and the inline HTML tags of tables (`</td><td>`).
const TRAILING_SEPARATORS =
  /(?:[\s"'`:=<>,;(){}[\]\\|&*?!\u2018\u2019\u201c\u201d\u00ab\u00bb]|\\[nrt]|%[0-9A-Fa-f]{2}|&(?:quot|#34|#39|apos|gt);|<\/[A-Za-z][\w:.-]*>|<(?:td|th|tr|span|div|code|pre|p|b|strong|em|li|dd|dt|kbd|tt)(?:\s[^<>]*)?>)+$/;
const TRAILING_NAME = /[A-Za-z0-9_.\-:/@$]+$/;
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
/** A comment-only line between a name and its value (`# rotated 2024-01`). */
const COMMENT_LINE = /^\s*(?:#|\/\/|;|--|<!--|\/\*|\*)/;
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
    const m = TRAILING_NAME.exec(rest);
    if (m === null) break;
    names.push({ text: m[0], after });
    rest = rest.slice(0, m.index);
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

function hasContext(index: LineIndex, line: number, labels: CompiledLabels): boolean {
  const context = labels.context;
  if (context === undefined) return false;
  const from = Math.max(1, line - labels.contextLines);
  const to = Math.min(index.lineCount, line + labels.contextLines);
  for (let l = from; l <= to; l++) {
    if (context.test(index.lineText(l))) return true;
  }
  return false;
}

/** What the names before a value say, before any context check. */
export interface LabelReading {
  readonly strength: LabelStrength;
  /** The nearest real name says the value is something else (a hash, a nonce, a JWT secret). */
  readonly other: boolean;
  readonly line: number;
}

/**
 * Reads the label of the value at `offset`: the nearest real name before it on its line (with
 * the words spaced before it); past carriers (`value:`, `<value>`, `"value": `, a wrapping call)
 * the strongest name left on the line, and then the names on the line before (Kubernetes env,
 * ECS task definitions, XML name/value pairs, YAML block scalars).
 */
export function readLabel(index: LineIndex, offset: number, labels: CompiledLabels): LabelReading {
  const line = index.lineOf(offset);
  const start = index.lineStart(line);
  const from = Math.max(0, offset - start - PREFIX_WINDOW);
  const text = index.lineText(line);
  const prefix = text.slice(from, offset - start);
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
    return { strength, other, line };
  }
  let found: LabelStrength = 'none';
  for (let i = skip; i < names.length; i++) {
    found = strongest(found, strengthOf(phraseOf(names, i), labels));
  }
  // Only a bare carrier (`value:`, `<value>`) or no name at all hands over to the line before;
  // a carrier with other names on its line looks after the value instead (`SET value = … WHERE`).
  const first = names[0];
  const bare = first === undefined || (labels.carrier?.test(normalizeName(first.text)) ?? false);
  const tail = text.slice(offset - start, offset - start + SUFFIX_WINDOW);
  if (found !== 'none' || !bare) return { strength: found, other: false, line };
  if (skip < names.length) return { strength: strongAfter(tail, labels), other: false, line };
  // The line before, past blank lines; a comment that names nothing hands over to the line above.
  let previous = line - 1;
  for (
    let comments = 0;
    previous >= 1 && found === 'none' && comments <= MAX_COMMENTS;
    previous--
  ) {
    const before = index.lineText(previous);
    if (before.trim() === '') continue;
    const names = namesBefore(before.slice(-PREFIX_WINDOW), LINE_BEFORE_NAMES);
    for (let i = 0; i < names.length; i++) {
      found = strongest(found, strengthOf(phraseOf(names, i), labels));
    }
    if (!COMMENT_LINE.test(before)) break;
    comments++;
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
