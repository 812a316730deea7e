import { type ErrorCode, KeyguardError } from '../model/errors.js';

/**
 * Why `source` cannot be compiled with `flags`, in words that never quote it: V8's message is
 * "Invalid regular expression: /<source>/<flags>: <reason>", and a pattern in a config or a rule
 * pack may hold a secret (an allowlist entry pasted with the real key in it).
 */
export function userRegexProblem(source: string, flags: string): string | undefined {
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    const prefix = `Invalid regular expression: /${source}/${flags}: `;
    const reason = message.startsWith(prefix) ? message.slice(prefix.length) : '';
    // V8's short fixed wording after the quoted pattern ("Unterminated group"), nothing else.
    return /^[\w ,'{}()\\-]{1,60}$/.test(reason)
      ? `invalid regular expression (${reason})`
      : 'invalid regular expression';
  }
}

/**
 * Compiles a regular expression from a user's config or rule pack; a failure is one line naming
 * `at` (`file#/json/pointer`) and the reason, never the pattern.
 */
export function compileUserRegex(
  source: string,
  flags: string,
  at: string,
  code: ErrorCode,
): RegExp {
  const problem = userRegexProblem(source, flags);
  if (problem !== undefined) throw new KeyguardError(code, `${at}: ${problem}`);
  return new RegExp(source, flags);
}
