/**
 * A stretch of shown text to hide that no rule claimed: [start, end) chunk offsets, of which the
 * first `keep` characters (a provider's public prefix such as `ghp_`) stay readable.
 */
export interface LooseSecret {
  readonly start: number;
  readonly end: number;
  readonly keep: number;
}

/**
 * Other providers' tokens, tried at the start of each run (anchored, so a run is read once): the
 * prefix says what it is and stays; the rest of the run is hidden.
 */
const PROVIDER_TOKENS: readonly { readonly regex: RegExp; readonly keep: number }[] = [
  { regex: /^xox[abposre]-[A-Za-z0-9-]{6}/, keep: 5 }, // Slack
  { regex: /^gh[pousr]_[A-Za-z0-9]{16}/, keep: 4 }, // GitHub
  { regex: /^github_pat_[A-Za-z0-9_]{16}/, keep: 11 },
  { regex: /^(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8}/, keep: 8 }, // Stripe
  { regex: /^whsec_[A-Za-z0-9]{16}/, keep: 6 },
  { regex: /^AIza[0-9A-Za-z_-]{30}/, keep: 4 }, // Google API key
  { regex: /^ya29\.[0-9A-Za-z_-]{16}/, keep: 5 }, // Google OAuth
  { regex: /^glpat-[0-9A-Za-z_-]{16}/, keep: 6 }, // GitLab
  { regex: /^npm_[A-Za-z0-9]{30}/, keep: 4 },
  { regex: /^sk-[A-Za-z0-9_-]{20}/, keep: 3 }, // OpenAI and look-alikes
  { regex: /^SG\.[A-Za-z0-9_-]{16}/, keep: 3 }, // SendGrid
  { regex: /^eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4}/, keep: 3 }, // JWT
];

/** A private key block: everything after the BEGIN marker up to END (or the end of the text). */
const KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/g;
const KEY_BLOCK_END = '-----END ';

/**
 * Words that make the value after a name sensitive, however short or plain it is. Matched
 * case-insensitively at a word boundary of the name (see `atWordEdge`).
 */
const SENSITIVE_WORD =
  /pass(?:word|wd|phrase)?|pwd|secret|token|api[-_.]?key|auth(?:orization)?|credentials?|private[-_.]?key|access[-_.]?key|(?:signing|encryption|master|client)[-_.]?(?:key|secret)|cookie|session[-_.]?(?:id|key)|conn(?:ection)?[-_.]?string|dsn/gi;
/** Authorization schemes kept readable before the credential they introduce. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Digest|Negotiate|Bot)$/i;

/** Characters of a name (`db.password`, `DB_PASSWORD`, `x-api-key`). */
const NAME = charSet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-$');
/** Characters of a base64, base64url, hex or URL-encoded run, and of dotted or dashed tokens. */
const RUN = charSet('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/%\\_.-');
/** Where an unquoted value ends. */
const VALUE_END = charSet(' \t\r\n,;&)}]"\'`<>|');
const MIN_RUN = 16;
/** Capitals and digits this long in one piece are never a written name. */
const UPPER_PIECE = 20;

function charSet(chars: string): Uint8Array {
  const set = new Uint8Array(128);
  for (const c of chars) set[c.charCodeAt(0)] = 1;
  return set;
}

function has(set: Uint8Array, text: string, at: number): boolean {
  return set[text.charCodeAt(at)] === 1;
}

function classOf(code: number): 0 | 1 | 2 | 3 {
  if (code >= 97 && code <= 122) return 1;
  if (code >= 65 && code <= 90) return 2;
  if (code >= 48 && code <= 57) return 3;
  return 0;
}

// The ~220 most frequent English letter pairs (as in value-checks): names are made of them.
const COMMON = new Set(
  (
    'TH HE IN ER AN RE ON AT EN ND TI ES OR TE OF ED IS IT AL AR ST TO NT NG SE HA AS OU IO LE VE ' +
    'CO ME DE HI RI RO IC NE EA RA CE LI CH LL BE MA SI OM UR CA EL TA LA NS DI FO HO PE EC PR NO ' +
    'CT US AC OT IL TR LY NC ET UT SS SO RS UN LO WA GE IE WH EE WI EM AD OL RT PO WE NA UL NI TS ' +
    'MO OW PA IM MI AI SH IR SU ID OS IV IA AM FI CI VI PL IG TU EV LD RY MP FE BL AB GH TY OP WO ' +
    'SA AY EX KE FR OO AV AG IF AP GR OD BO SP RD DO UC BU EI OV BY RM EP TT OC FA EF CU RN SC GI ' +
    'DA CR CL DU GA QU UE FF BA UM PP UP LU GO HT RU UG DS LT PI RC RR EG AU CK MU BR BI PT AK PU ' +
    'UI RG IB TL KI RK OB MM FU PH OG MS MB IP UB OI RL GU DR HR CC TW FT WN NU AF HU NN EO VO RV ' +
    'NF XP AW SM'
  ).split(' '),
);

/**
 * Whether a run reads as generated rather than written: names, paths, versions and dates are
 * words and numbers joined by separators; tokens switch between cases and digits, or are letters
 * that rarely follow each other in English, or long digit strings. Errs on the side of hiding.
 */
export function looksGenerated(run: string): boolean {
  let alnum = 0;
  let digits = 0;
  let switches = 0;
  let pairs = 0;
  let common = 0;
  let previous = 0;
  // Capitals and digits in one piece, no separator: written text puts `_` or `-` between words
  // (`MAX_RETRY_COUNT`), base32 (TOTP seeds, encoded ids) does not. English letter pairs cannot
  // tell such a run from a name: about 1 in 70 random base32 runs of 24 reads as "words".
  let upperPiece = 0;
  let longUpperPiece = false;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i < run.length; i++) {
    const code = run.charCodeAt(i);
    const cls = classOf(code);
    if (cls === 0 || cls === 1) {
      if (upperPiece >= UPPER_PIECE) longUpperPiece = true;
      upperPiece = 0;
    } else upperPiece++;
    if (cls === 0) {
      previous = 0;
      continue;
    }
    alnum++;
    if (cls === 3) digits++;
    else if (cls === 1) lower++;
    else upper++;
    if (previous !== 0) {
      const before = classOf(previous);
      // A capital after lower case starts a camelCase word: not a switch by itself.
      if (before !== cls && !(before === 1 && cls === 2)) switches++;
      if (before !== 3 && cls !== 3) {
        pairs++;
        if (COMMON.has(String.fromCharCode(previous, code).toUpperCase())) common++;
      }
    }
    previous = code;
  }
  if (upperPiece >= UPPER_PIECE) longUpperPiece = true;
  if (alnum < MIN_RUN) return false;
  if (longUpperPiece) return true;
  // Both cases in bulk: camelCase names have one capital a word (`MyApplicationController`: 3 of
  // 23), random base64 about half.
  const letters = lower + upper;
  if (letters >= MIN_RUN && upper >= 0.3 * letters && lower >= 0.3 * letters) return true;
  if (switches / alnum >= 0.25) return true;
  if (digits >= 10) return true;
  return pairs >= 10 && common / pairs < 0.55;
}

/** A sensitive word counts only at a word edge of its name: `bypass`, `author`, `tokenizer` do not. */
function atWordEdge(text: string, start: number, end: number): boolean {
  const first = classOf(text.charCodeAt(start));
  const last = classOf(text.charCodeAt(end - 1));
  const before = start > 0 ? classOf(text.charCodeAt(start - 1)) : 0;
  const after = end < text.length ? classOf(text.charCodeAt(end)) : 0;
  // camelCase (`dbPassword`) and snake_case edges; in ALL CAPS (`PGPASSWORD`) any start counts.
  if (first === 1 && before === 1) return false;
  if (last === 1 && after === 1) return false;
  if (last === 2 && after === 2) return false;
  return true;
}

/** The value written after the name ending at `at`: [start, end) and what is kept readable. */
function valueAfter(
  text: string,
  at: number,
  flag: boolean,
  tag: boolean,
): LooseSecret | undefined {
  let i = at;
  // `"password": …`, `['password'] = …`, `password => …`, `<password>…`, `--password …`.
  while (i < text.length && (text[i] === '"' || text[i] === "'" || text[i] === ']')) i++;
  let j = i;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  const sep = text.slice(j, j + 2);
  let xml = false;
  if (sep.startsWith('=>') || sep.startsWith(':=') || sep.startsWith('==')) j += 2;
  else if (sep.startsWith('=') || sep.startsWith(':')) j += 1;
  else if (tag && sep.startsWith('>') && text[at] === '>') {
    xml = true;
    j += 1;
  } else if (!(flag && j > i)) return undefined;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  const quote = text[j];
  if (quote === '"' || quote === "'" || quote === '`') {
    let k = j + 1;
    while (k < text.length && text[k] !== quote) k += text[k] === '\\' ? 2 : 1;
    return schemeAware(text, j + 1, Math.min(k, text.length));
  }
  let k = j;
  const stop = xml ? charSet('<\r\n') : VALUE_END;
  while (k < text.length && !has(stop, text, k)) k++;
  if (k === j) return undefined;
  // `Authorization: Bearer xyz`: the scheme stays, the credential after it goes.
  if (AUTH_SCHEME.test(text.slice(j, k)) && text[k] === ' ') {
    let m = k + 1;
    while (m < text.length && !has(VALUE_END, text, m)) m++;
    return m > k + 1 ? { start: k + 1, end: m, keep: 0 } : undefined;
  }
  return { start: j, end: k, keep: 0 };
}

function schemeAware(text: string, start: number, end: number): LooseSecret | undefined {
  if (end <= start) return undefined;
  const space = text.indexOf(' ', start);
  if (space !== -1 && space < end && AUTH_SCHEME.test(text.slice(start, space))) {
    return space + 1 < end ? { start: space + 1, end, keep: 0 } : undefined;
  }
  return { start, end, keep: 0 };
}

/** Values after sensitive names: `password=hunter2`, `"api_key": "…"`, `--token abc`. */
function namedValues(text: string, out: LooseSecret[]): void {
  let doneUntil = 0;
  for (const m of text.matchAll(SENSITIVE_WORD)) {
    const at = m.index;
    if (at < doneUntil || !atWordEdge(text, at, at + m[0].length)) continue;
    let start = at;
    while (start > 0 && has(NAME, text, start - 1)) start--;
    let end = at + m[0].length;
    while (end < text.length && has(NAME, text, end)) end++;
    doneUntil = end;
    const flag = text[start] === '-';
    // `<password>…</password>`: an opening tag, not the closing one.
    const tag = start > 0 && text[start - 1] === '<';
    const value = valueAfter(text, end, flag, tag);
    if (value !== undefined) {
      out.push(value);
      doneUntil = Math.max(doneUntil, value.end);
    }
  }
}

/** `scheme://user:password@host`: the password. */
function urlPasswords(text: string, out: LooseSecret[]): void {
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    let colon = -1;
    let i = at + 3;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '@') break;
      if (c === ':' && colon === -1) colon = i;
      if (c === '/' || c === '?' || c === '#' || has(VALUE_END, text, i)) {
        i = -1;
        break;
      }
    }
    if (i > 0 && i < text.length && colon !== -1 && i > colon + 1)
      out.push({ start: colon + 1, end: i, keep: 0 });
  }
}

function keyBlocks(text: string, out: LooseSecret[]): void {
  let doneUntil = 0;
  for (const m of text.matchAll(KEY_BLOCK)) {
    const start = m.index + m[0].length;
    if (start < doneUntil) continue;
    const end = text.indexOf(KEY_BLOCK_END, start);
    // No END: the block runs to the end of the text, and covers every later BEGIN too.
    doneUntil = end === -1 ? text.length : end;
    out.push({ start, end: doneUntil, keep: 0 });
  }
}

/** Runs that are another provider's token or look generated (base64, hex, dotted), with `=` padding. */
function tokenRuns(text: string, out: LooseSecret[]): void {
  let i = 0;
  while (i < text.length) {
    if (!has(RUN, text, i)) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && has(RUN, text, end)) end++;
    const run = text.slice(i, end);
    const provider = PROVIDER_TOKENS.find((p) => p.regex.test(run));
    if (provider !== undefined || (run.length >= MIN_RUN && looksGenerated(run))) {
      let padded = end;
      while (padded < text.length && padded < end + 2 && text[padded] === '=') padded++;
      out.push({ start: i, end: padded, keep: provider?.keep ?? 0 });
    }
    i = end;
  }
}

/**
 * What else in `text` (one line) looks secret: other providers' tokens, private key blocks, values
 * after sensitive names, passwords in URLs, generated-looking runs. Offsets are `text`'s. Linear
 * in the text: each detector reads a character a bounded number of times.
 */
export function looseSecrets(text: string): LooseSecret[] {
  const out: LooseSecret[] = [];
  keyBlocks(text, out);
  namedValues(text, out);
  urlPasswords(text, out);
  tokenRuns(text, out);
  return out;
}
