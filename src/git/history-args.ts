import { KeyguardError } from '../model/errors.js';
import type { HistorySelection, SelectionMember } from '../model/history-selection.js';

type Arity = 'none' | 'value' | 'optional';
/** filter: limits each commit; refs: selects refs; exclude: limits the next refs option. */
type Role = 'filter' | 'date' | 'number' | 'refs' | 'exclude' | 'not' | 'count';

interface Allowed {
  readonly arity: Arity;
  readonly role: Role;
}

/**
 * The `git log` / `git rev-list` options a history scan accepts, from its own flags and from
 * `--log-opts`. Only options that SELECT commits: none that changes the output format (the log
 * is parsed), writes files, runs programs (external diffs, textconv) or hides changes from the
 * walk (--diff-filter, -p, --follow, --stdin, --no-walk, --skip…). Anything else is refused by
 * name. Values always reach git joined to their option (`--author=<value>`), so a value can
 * never be read as an option.
 */
const LONG: Readonly<Record<string, Allowed>> = {
  since: { arity: 'value', role: 'date' },
  after: { arity: 'value', role: 'date' },
  until: { arity: 'value', role: 'date' },
  before: { arity: 'value', role: 'date' },
  'max-age': { arity: 'value', role: 'number' },
  'min-age': { arity: 'value', role: 'number' },
  author: { arity: 'value', role: 'filter' },
  committer: { arity: 'value', role: 'filter' },
  grep: { arity: 'value', role: 'filter' },
  'all-match': { arity: 'none', role: 'filter' },
  'invert-grep': { arity: 'none', role: 'filter' },
  'regexp-ignore-case': { arity: 'none', role: 'filter' },
  'basic-regexp': { arity: 'none', role: 'filter' },
  'extended-regexp': { arity: 'none', role: 'filter' },
  'fixed-strings': { arity: 'none', role: 'filter' },
  merges: { arity: 'none', role: 'filter' },
  'no-merges': { arity: 'none', role: 'filter' },
  'min-parents': { arity: 'value', role: 'number' },
  'max-parents': { arity: 'value', role: 'number' },
  'no-min-parents': { arity: 'none', role: 'filter' },
  'no-max-parents': { arity: 'none', role: 'filter' },
  'first-parent': { arity: 'none', role: 'filter' },
  'ancestry-path': { arity: 'none', role: 'filter' },
  'full-history': { arity: 'none', role: 'filter' },
  'max-count': { arity: 'value', role: 'count' },
  all: { arity: 'none', role: 'refs' },
  branches: { arity: 'optional', role: 'refs' },
  tags: { arity: 'optional', role: 'refs' },
  remotes: { arity: 'optional', role: 'refs' },
  glob: { arity: 'value', role: 'refs' },
  reflog: { arity: 'none', role: 'refs' },
  exclude: { arity: 'value', role: 'exclude' },
  not: { arity: 'none', role: 'not' },
};

/**
 * Whether `token` is one of the options above in the form this module hands to git (`--name` or
 * `--name=value`): what a revision list may carry before `--end-of-options`.
 */
export function isSelectingOption(token: string): boolean {
  if (!token.startsWith('--')) return false;
  const eq = token.indexOf('=');
  const spec = LONG[eq === -1 ? token.slice(2) : token.slice(2, eq)];
  if (spec === undefined) return false;
  if (spec.arity === 'none') return eq === -1;
  if (spec.arity === 'value') return eq !== -1;
  return true;
}

const SHORT: Readonly<Record<string, string>> = {
  '-i': 'regexp-ignore-case',
  '-E': 'extended-regexp',
  '-F': 'fixed-strings',
};

const RELATIVE_DATE =
  /^\d+[ .](second|minute|hour|day|week|month|year)s?([ .]\d+[ .](second|minute|hour|day|week|month|year)s?)*[ .]ago$|^(yesterday|today|now|noon|midnight)$/i;

/** git accepts nearly any text as a date and reads nonsense as "now": refuse what is not one. */
function checkDate(option: string, value: string): void {
  const v = value.trim();
  if (!Number.isNaN(Date.parse(v)) || RELATIVE_DATE.test(v) || /^@\d+$/.test(v)) return;
  throw new KeyguardError(
    'USAGE',
    `option '--${option}' takes a date such as 2024-01-31 or '2 weeks ago', not '${value}'`,
  );
}

function checkCount(option: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new KeyguardError('USAGE', `option '${option}' takes a whole number, not '${value}'`);
  }
  return Number(value);
}

/** Where tokens came from, for messages: `--log-opts` or `keyguard history`. */
export interface HistoryArgsOrigin {
  readonly name: string;
}

/** A revision spelled so that it selects commits that other revisions would then exclude. */
function isRangeLike(name: string): boolean {
  return name.includes('..') || /\^!$/.test(name) || /\^-\d*$/.test(name);
}

/**
 * Splits a `--log-opts` string into words: whitespace separates, '…' quotes literally, "…" quotes
 * with `\"` and `\\`, a backslash outside quotes escapes the next character. No expansion of any
 * kind: this is not a shell.
 */
export function splitLogOpts(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\' && i + 1 < text.length) word += text[++i];
    else word += c;
  }
  if (quote !== undefined) {
    throw new KeyguardError('USAGE', `option '--log-opts' has an unterminated ${quote} quote`);
  }
  if (inWord) words.push(word);
  return words;
}

interface Builder {
  negate: boolean;
  pendingExclude: string[];
  readonly plain: { refs: string[]; names: string[] };
  readonly ranges: SelectionMember[];
  readonly exclude: { refs: string[]; names: string[] };
  readonly filters: string[];
  maxCount: number | undefined;
  readonly pathspecs: string[];
}

function refused(token: string, origin: HistoryArgsOrigin): KeyguardError {
  return new KeyguardError(
    'USAGE',
    `'${token}' is not allowed in ${origin.name}: only options that select commits are passed to git (dates, --author, --committer, --grep, -n, --no-merges, --first-parent, --all, --branches, --tags, --remotes, --glob, --exclude, --not); see docs/git-gates.md`,
  );
}

function takeOption(
  b: Builder,
  name: string,
  value: string | undefined,
  origin: HistoryArgsOrigin,
): void {
  const spec = LONG[name];
  if (spec === undefined) throw refused(`--${name}`, origin);
  const flag = value === undefined ? `--${name}` : `--${name}=${value}`;
  switch (spec.role) {
    case 'date':
      checkDate(name, value ?? '');
      b.filters.push(flag);
      return;
    case 'number':
      checkCount(`--${name}`, value ?? '');
      b.filters.push(flag);
      return;
    case 'filter':
      b.filters.push(flag);
      return;
    case 'count':
      b.maxCount = checkCount(`--${name}`, value ?? '');
      return;
    case 'not':
      b.negate = !b.negate;
      return;
    case 'exclude':
      b.pendingExclude.push(flag);
      return;
    case 'refs': {
      const into = b.negate ? b.exclude.refs : b.plain.refs;
      into.push(...b.pendingExclude, flag);
      b.pendingExclude = [];
      return;
    }
  }
}

function takeName(b: Builder, token: string, origin: HistoryArgsOrigin): void {
  if (token === '') throw new KeyguardError('USAGE', `an empty revision in ${origin.name}`);
  const caret = token.startsWith('^');
  const name = caret ? token.slice(1) : token;
  const negated = caret !== b.negate;
  if (name === '') throw new KeyguardError('USAGE', `'${token}' is not a revision`);
  if (isRangeLike(name)) {
    if (negated || caret) {
      throw new KeyguardError('USAGE', `'${token}': a range cannot be excluded (${origin.name})`);
    }
    // A range carries its own exclusions: it is a member of the union on its own.
    b.ranges.push({ refs: [], names: [name] });
    return;
  }
  if (negated) b.exclude.names.push(name);
  else b.plain.names.push(name);
}

/** Reads `git log`-style tokens (options, revisions, `--` and pathspecs) into a builder. */
function take(b: Builder, tokens: readonly string[], origin: HistoryArgsOrigin): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === '--') {
      b.pathspecs.push(...tokens.slice(i + 1));
      return;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      const spec = LONG[name];
      if (spec === undefined) throw refused(eq === -1 ? token : token.slice(0, eq), origin);
      let value = eq === -1 ? undefined : token.slice(eq + 1);
      if (spec.arity === 'none' && value !== undefined) {
        throw new KeyguardError('USAGE', `option '--${name}' takes no value (${origin.name})`);
      }
      if (spec.arity === 'value' && value === undefined) {
        value = tokens[++i];
        if (value === undefined) {
          throw new KeyguardError('USAGE', `option '--${name}' needs a value (${origin.name})`);
        }
      }
      takeOption(b, name, value, origin);
      continue;
    }
    if (token.startsWith('-') && token.length > 1) {
      const long = SHORT[token];
      if (long !== undefined) {
        takeOption(b, long, undefined, origin);
        continue;
      }
      if (/^-\d+$/.test(token)) {
        b.maxCount = Number(token.slice(1));
        continue;
      }
      if (token.startsWith('-n')) {
        const value = token.length > 2 ? token.slice(2) : tokens[++i];
        if (value === undefined)
          throw new KeyguardError('USAGE', `option '-n' needs a value (${origin.name})`);
        b.maxCount = checkCount('-n', value);
        continue;
      }
      throw refused(token, origin);
    }
    takeName(b, token, origin);
  }
}

export interface SelectionInput {
  /** Tokens from the command line: revisions, ranges and the options above, then `--` and pathspecs. */
  readonly tokens: readonly string[];
  /** `--log-opts` strings, each split into words and read like the command line. */
  readonly logOpts?: readonly string[];
  readonly label: string;
}

/**
 * What `keyguard history` was asked to scan, validated: every option is on the allowlist above,
 * ranges (and `X^!`) become separate members of a union, `^X` and `--not` exclude from every
 * member, plain revisions and ref selections share one member. No revision at all means every ref.
 */
export function parseHistorySelection(input: SelectionInput): HistorySelection {
  const b: Builder = {
    negate: false,
    pendingExclude: [],
    plain: { refs: [], names: [] },
    ranges: [],
    exclude: { refs: [], names: [] },
    filters: [],
    maxCount: undefined,
    pathspecs: [],
  };
  take(b, input.tokens, { name: 'keyguard history' });
  for (const text of input.logOpts ?? []) {
    b.negate = false;
    take(b, splitLogOpts(text), { name: '--log-opts' });
  }
  if (b.pendingExclude.length > 0) {
    throw new KeyguardError(
      'USAGE',
      `'${b.pendingExclude[0]}' must come before --all, --branches, --tags or --remotes`,
    );
  }
  const members: SelectionMember[] = [];
  if (b.plain.refs.length > 0 || b.plain.names.length > 0) members.push(b.plain);
  members.push(...b.ranges);
  if (members.length === 0) members.push({ refs: ['--all'], names: [] });
  return {
    members,
    exclude: b.exclude,
    filters: b.filters,
    ...(b.maxCount === undefined ? {} : { maxCount: b.maxCount }),
    pathspecs: b.pathspecs,
    label: input.label,
  };
}

/** How git is told which commits one member selects. */
export interface MemberWalk {
  /** Options and ref selections, ending with `--stdin`. */
  readonly args: string[];
  /** The revision names and exclusions, one per line, for git's standard input. */
  readonly input: string;
}

/**
 * `git rev-list` / `git log` arguments for one member: filters, ref selections and exclusions on
 * the command line; revision names on standard input (`--stdin`), where git takes nothing for an
 * option and no number of them can overflow a command line (a mirror push of 100,000 tags).
 * Pathspecs are the caller's, after `--`.
 */
export function memberArgs(
  selection: HistorySelection,
  member: SelectionMember,
  extra: readonly string[] = [],
): MemberWalk {
  const args = [...extra, ...selection.filters];
  // Every commit that touches a path, not git's simplified history of it.
  if (selection.pathspecs.length > 0) args.push('--full-history');
  args.push(...member.refs);
  if (selection.exclude.refs.length > 0) args.push('--not', ...selection.exclude.refs, '--not');
  args.push('--stdin');
  const names = [...member.names, ...selection.exclude.names.map((n) => `^${n}`)];
  return { args, input: names.map((n) => `${n}\n`).join('') };
}
