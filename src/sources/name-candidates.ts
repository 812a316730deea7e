import type { ByteFilter } from './byte-filter.js';
import type { ByteScanner } from './byte-scan.js';

/** Separators of a file name's words (`.`, `-`, `_`) and of a path's folders (`/`). */
const WORD_SEPARATORS = /[._-]/g;
const SEPARATORS = /[._\-/]/g;

/**
 * The texts the engine reads for one name: the name as it is, and as words. A file's name has
 * no spaces: `.`, `-` and `_` separate its words, and an extension ends a value
 * (`…_secret_access_key=<secret>.txt`, where the secret rule would take `.t` for a dotted name
 * going on; `AKIA…_<secret>`, where `_` glues the two into one identifier); a path's `/`
 * separates folders (`AKIA…/<secret>`). A secret holds `/` itself (a secret in a path spans
 * folders), so the name as it is, and with only `.-_` as spaces, are read too. Every view has the
 * name's offsets: what is found in any is hidden at the same place when the name is shown.
 */
export function nameViews(name: string): string[] {
  return [...new Set([name, name.replace(WORD_SEPARATORS, ' '), name.replace(SEPARATORS, ' ')])];
}

/**
 * Names to search, however they are held: strings, or the bytes git listed them in (a tree of
 * 40,000 files is searched without making a string of each name).
 */
export interface SearchedNames {
  readonly count: number;
  /**
   * Writes name `i`'s bytes into `into` at `at`, if they fit before `limit`: how many it wrote,
   * or -1 (nothing written). Names are written in order, each once.
   */
  write(i: number, into: Buffer, at: number, limit: number): number;
  /** Name `i` as text (its display form). */
  text(i: number): string;
}

/** Names held as strings. */
export function namesOf(paths: readonly string[]): SearchedNames {
  return {
    count: paths.length,
    write(i, into, at, limit) {
      const path = paths[i] as string;
      // Three bytes at most a UTF-16 unit.
      return at + 3 * path.length > limit ? -1 : into.write(path, at);
    },
    text: (i) => paths[i] as string,
  };
}

/**
 * Keywords a view can make that the name as it is does not hold: a keyword with a space (`aws k`)
 * is in a view wherever the name has a separator there (`aws_k`, `aws/k`). Each as a pattern with
 * any separator for the space, and the part before the space, which a name must hold for it.
 */
interface Spaced {
  readonly pattern: RegExp;
  readonly heads: readonly Buffer[];
}

function spacedOf(filter: ByteFilter): Spaced | undefined {
  const words = (filter.words ?? [])
    .filter((w) => !w.includes(0) && w.includes(0x20))
    .map((w) => w.toString('latin1'));
  if (words.length === 0) return undefined;
  const literal = (part: string) => part.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  return {
    pattern: new RegExp(words.map((w) => w.split(' ').map(literal).join('[ ._/-]')).join('|')),
    heads: [...new Set(words.map((w) => w.slice(0, w.indexOf(' '))))].map((h) => Buffer.from(h)),
  };
}

const SPACED = new WeakMap<ByteFilter, Spaced | null>();

function spacedFor(filter: ByteFilter): Spaced | undefined {
  let spaced = SPACED.get(filter);
  if (spaced === undefined) {
    spaced = spacedOf(filter) ?? null;
    SPACED.set(filter, spaced);
  }
  return spaced ?? undefined;
}

/** Bytes of names written into the scanner's arena for one pass (well inside the arena). */
const GROUP_BYTES = 1024 * 1024;

/**
 * Which names may hold a finding: their text holds a keyword of some rule and the run of value
 * characters that rule's values need (what the reader asks of a file's bytes), or a view of it
 * (nameViews) holds a keyword only a view makes. Names are written straight into the reader's
 * SIMD scanner, a group at a time, NUL between them (no name holds one, so no keyword spans two),
 * and searched in one pass; the keyword starts it records say which names they are in. Names of
 * a whole tree without a keyword (almost all) cost that pass and no garbage. The scanner's arena
 * is overwritten: call this only between reads. Without a scanner, the filter's keyword search,
 * name by name.
 */
export function nameCandidates(
  names: SearchedNames,
  filter: ByteFilter,
  scanner: ByteScanner | undefined,
): number[] {
  const found = new Set<number>();
  const spaced = spacedFor(filter);
  if (scanner !== undefined && filter.words !== undefined) {
    let from = 0;
    while (from < names.count) from = scanGroup(names, from, filter, scanner, spaced, found);
  } else {
    for (let i = 0; i < names.count; i++) {
      const text = names.text(i);
      const bytes = Buffer.from(text);
      if (filter.ascii(bytes, 0, bytes.length) || spaced?.pattern.test(text) === true) found.add(i);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Searches the names from `from` on that fit one pass, adding those that may hold a finding to
 * `found`; returns where it stopped.
 */
function scanGroup(
  names: SearchedNames,
  from: number,
  filter: ByteFilter,
  scanner: ByteScanner,
  spaced: Spaced | undefined,
  found: Set<number>,
): number {
  const arena = scanner.arena;
  const starts: number[] = [];
  let end = 0;
  let to = from;
  while (to < names.count) {
    // One name at least, however long, so every call gets on; the NUL after it needs a byte.
    const wrote = names.write(to, arena, end, (to === from ? arena.length : GROUP_BYTES) - 1);
    if (wrote < 0) break;
    starts.push(end);
    end += wrote;
    arena[end++] = 0;
    to++;
  }
  if (to === from) {
    // A name longer than the arena (no file system has one): the engine reads it, unsearched.
    found.add(from);
    return from + 1;
  }
  const stop = (i: number) => (i + 1 < starts.length ? (starts[i + 1] as number) : end) - 1;
  // Names holding the first word of a keyword with a space: looked at one by one, below.
  const written = arena.subarray(0, end);
  const viewed = new Set<number>();
  for (const head of spaced?.heads ?? []) {
    for (let at = written.indexOf(head); at !== -1; at = written.indexOf(head, at + 1))
      viewed.add(nameAt(starts, at));
  }
  if (scanner.scan(0, end).words !== 0) {
    const at = scanner.keywordStarts();
    const held = new Set<number>();
    if (at === undefined) for (let i = 0; i < starts.length; i++) held.add(i);
    else for (const offset of at) held.add(nameAt(starts, offset));
    // As the reader judges a file: a keyword is not enough, the run of value characters its rule
    // needs must be there too (`api_key.ts` holds `_key`, but no 40-character secret).
    for (const i of held) {
      if (filter.wants(scanner.scan(starts[i] as number, stop(i)))) found.add(from + i);
    }
  }
  // That view's keywords, with the longest run of value characters any view has (the name's
  // own: separators only cut runs). Each name's run is read in place before any view is copied
  // over the names.
  const views: { i: number; text: string; maxRun: number }[] = [];
  for (const i of viewed) {
    const text = names.text(from + i);
    if (found.has(from + i) || spaced?.pattern.test(text) !== true) continue;
    views.push({ i, text, maxRun: scanner.scan(starts[i] as number, stop(i)).maxRun });
  }
  for (const { i, text, maxRun } of views) {
    const view = Buffer.from(text.replace(SEPARATORS, ' '));
    const { words } = scanner.scanBytes(view, 0, view.length);
    if (filter.wants({ words, maxRun, nul: false })) found.add(from + i);
  }
  return to;
}

/** The index of the name holding offset `at`, given where each name starts (ascending). */
function nameAt(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
