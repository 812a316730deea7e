import type * as Regexpp from '@eslint-community/regexpp';
import type * as Re2js from 're2js';

/** The modules that check and run users' regular expressions (see LinearRegExp). */
export interface UserRegexEngine {
  readonly re2js: typeof Re2js;
  readonly regexpp: typeof Regexpp;
}

let loaded: UserRegexEngine | undefined;

/**
 * Loads the linear-time engine (~30 ms of parsing and compiling), once per thread. Only runs
 * with a user rule pack or a config regex pay for it: the loaders of those files call it, and so
 * does a scan worker before it compiles their patterns.
 */
export async function loadUserRegexEngine(): Promise<UserRegexEngine> {
  if (loaded === undefined) {
    const [re2js, regexpp] = await Promise.all([
      import('re2js'),
      import('@eslint-community/regexpp'),
    ]);
    loaded = { re2js, regexpp };
  }
  return loaded;
}

/** The loaded engine; compiling a user pattern before loadUserRegexEngine is a programming error. */
export function userRegexEngine(): UserRegexEngine {
  if (loaded === undefined) {
    throw new Error('user regular expressions need loadUserRegexEngine() first');
  }
  return loaded;
}
