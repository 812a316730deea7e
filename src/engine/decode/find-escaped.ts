/** How text is escaped: URL percent-escapes, JSON/JS backslash escapes, HTML/XML entities. */
export type EscapeFamily = 'url' | 'escape' | 'entity';

/** A run of escaped text and its decoded form. */
export interface EscapedRun {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly family: EscapeFamily;
}

/**
 * Where an escaped key may start: an escaped `A` (every AWS key ID starts with one, so `%41KIA…`,
 * `\u0041KIA…`, `&#65;KIA…` and a fully escaped ID all hold it), a capital letter before a
 * URL-escaped capital (`A%4BIA…`: nothing a URL encoder writes, so only someone hiding a key), and
 * URL escapes of an escape (`%25`: a double-encoded value). Plain escapes elsewhere (`%2F` in a
 * secret, `\/`) are the rules' own business: they are matched as written.
 */
const TRIGGER =
  /%(?:41|25(?:2[BbFf]|3[Dd]|41)|4[2-9A-Fa-f]|5[0-9Aa])|\\(?:u0041|u\{0*41\}|x41)|&#(?:0*65|[xX]0*41);/g;

/**
 * A trigger match that starts a run: an escaped capital other than `A` counts only after a plain
 * capital (checked here, not by a lookbehind, which would make the search try every position).
 */
function triggers(text: string, at: number, match: string): boolean {
  if (!/^%(?:4[2-9A-Fa-f]|5[0-9Aa])$/.test(match)) return true;
  const before = text.charCodeAt(at - 1);
  return before >= 65 && before <= 90;
}

/** How far a run is read on each side of its trigger. */
export const ESCAPE_REACH = 4096;

function familyOf(trigger: string): EscapeFamily {
  return trigger.startsWith('%') ? 'url' : trigger.startsWith('\\') ? 'escape' : 'entity';
}

/** Characters that end a run of each family (whitespace always does). */
function endsRun(family: EscapeFamily, code: number): boolean {
  if (code <= 32 || code === 34 || code === 39 || code === 96) return true; // space, " ' `
  if (family === 'escape') return false;
  if (code === 60 || code === 62) return true; // < >
  return family === 'url' && code === 92; // \
}

const HEX = /^[0-9A-Fa-f]+$/;
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};
const SIMPLE: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '/': '/',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function fromCode(code: number): string | undefined {
  return code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** `%XX` escapes as bytes, read as UTF-8 (invalid sequences become U+FFFD, ASCII survives). */
function decodeUrl(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text.charCodeAt(i) === 37 && hex.length === 2 && HEX.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      const code = text.charCodeAt(i);
      if (code < 128) bytes.push(code);
      else for (const b of Buffer.from(text.charAt(i), 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `\uXXXX`, `\u{X…}`, `\xXX` and the one-letter escapes of JSON and JavaScript. */
function decodeBackslash(text: string): string {
  return text.replace(
    /\\(?:u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2})|([nrt/\\"']))/g,
    (whole, brace?: string, u4?: string, x2?: string, simple?: string) => {
      const hex = brace ?? u4 ?? x2;
      if (hex !== undefined) return fromCode(Number.parseInt(hex, 16)) ?? whole;
      return SIMPLE[simple ?? ''] ?? whole;
    },
  );
}

/** `&#NN;`, `&#xHH;` and the five XML entities. */
function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos));/g,
    (whole, dec?: string, hex?: string, named?: string) => {
      if (named !== undefined) return NAMED[named] ?? whole;
      const code = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
      return fromCode(code) ?? whole;
    },
  );
}

export function decodeEscapes(text: string, family: EscapeFamily): string {
  if (family === 'url') return decodeUrl(text);
  if (family === 'escape') return decodeBackslash(text);
  return decodeEntities(text);
}

/** The run of `family` around text[at], read at most ESCAPE_REACH either side (not before `lo`). */
function runAround(text: string, at: number, family: EscapeFamily, floor: number): EscapedRun {
  let start = at;
  const lo = Math.max(floor, at - ESCAPE_REACH);
  while (start > lo && !endsRun(family, text.charCodeAt(start - 1))) start--;
  let end = at;
  const hi = Math.min(text.length, at + ESCAPE_REACH);
  while (end < hi && !endsRun(family, text.charCodeAt(end))) {
    // A backslash escape is read as a pair, so `\"` does not end a string's run.
    end += family === 'escape' && text.charCodeAt(end) === 92 ? 2 : 1;
  }
  end = Math.min(end, text.length);
  return { start, end, text: decodeEscapes(text.slice(start, end), family), family };
}

/** Any escape: in a secret's value, whatever letter it escapes. */
const ANY_ESCAPE = /%[0-9A-Fa-f]{2}|\\(?:u[0-9A-Fa-f{]|x[0-9A-Fa-f])|&#[0-9xX]/;

/**
 * The escaped run around the first escape in `window` (the text at `from`: a value after a secret's label),
 * if any: escapes there are read whatever they encode, since the label says a secret follows.
 */
export function escapedRunIn(
  text: string,
  from: number,
  window: string,
  floor: number,
): EscapedRun | undefined {
  const m = ANY_ESCAPE.exec(window);
  if (m === null) return undefined;
  return runAround(text, from + m.index, familyOf(m[0]), floor);
}

/**
 * The escaped runs of `text` that may hold a key: around each trigger, the run of characters its
 * family allows (a URL's query, a string's content, an attribute's value), read at most
 * ESCAPE_REACH either side and decoded once. Triggers inside a run already decoded are skipped,
 * so the work is linear in the text.
 */
export function findEscapedRuns(text: string): EscapedRun[] {
  const runs: EscapedRun[] = [];
  let done = 0;
  TRIGGER.lastIndex = 0;
  for (let m = TRIGGER.exec(text); m !== null; m = TRIGGER.exec(text)) {
    if (m.index < done || !triggers(text, m.index, m[0])) continue;
    const run = runAround(text, m.index, familyOf(m[0]), done);
    runs.push(run);
    done = run.end;
    TRIGGER.lastIndex = Math.max(TRIGGER.lastIndex, run.end);
  }
  return runs;
}
