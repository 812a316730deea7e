import { type ErrorCode, KeyguardError } from '../model/errors.js';
import { LinearRegExp } from './linear-regexp.js';
import { toRe2Source, UnsupportedPattern } from './re2-source.js';
import { userRegexEngine } from './user-regex-engine.js';

/** RE2's reasons, by the start of its message (the rest quotes the pattern). */
const RE2_REASONS: readonly [string, string][] = [
  ['invalid repeat count', 'a repetition count over 1000'],
  ['invalid nested repetition', 'nested repetitions'],
  ['expression too large', 'too large'],
];

/**
 * Why `source` cannot be a user's pattern, or undefined: it must compile as JavaScript with
 * `flags`, and run on the linear-time engine (LinearRegExp). Reasons never quote the pattern:
 * V8's message is "Invalid regular expression: /<source>/<flags>: <reason>", and a pattern in
 * a config or a rule pack may hold a secret (an allowlist entry pasted with the real key in it).
 * Needs loadUserRegexEngine() first.
 */
export function userRegexProblem(source: string, flags: string): string | undefined {
  try {
    new RegExp(source, flags);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const prefix = `Invalid regular expression: /${source}/${flags}: `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : '';
    // V8's short fixed wording after the quoted pattern ("Unterminated group"), nothing else.
    return /^[\w ,'{}()\\-]{1,60}$/.test(reason)
      ? `invalid regular expression (${reason})`
      : 'invalid regular expression';
  }
  const linear = 'user patterns run on a linear-time engine (RE2)';
  try {
    const { re2js } = userRegexEngine();
    re2js.RE2JS.compile(toRe2Source(source, flags).source);
    return undefined;
  } catch (error) {
    if (error instanceof UnsupportedPattern) return `uses ${error.message}: ${linear}`;
    const message =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : '';
    const known = RE2_REASONS.find(([start]) => message.startsWith(start));
    return `${known?.[1] ?? 'not supported'}: ${linear}`;
  }
}

/**
 * Compiles a pattern from a user's config or rule pack to a LinearRegExp; a failure is one line
 * naming `at` (`file#/json/pointer`) and the reason, never the pattern.
 */
export function compileUserRegex(
  source: string,
  flags: string,
  at: string,
  code: ErrorCode,
): RegExp {
  const problem = userRegexProblem(source, flags);
  if (problem !== undefined) throw new KeyguardError(code, `${at}: ${problem}`);
  return new LinearRegExp(source, flags);
}
