import type { Matcher, RE2JS } from 're2js';
import { type Re2Pattern, toRe2Source } from './re2-source.js';
import { userRegexEngine } from './user-regex-engine.js';

interface Compiled {
  readonly re2: RE2JS;
  readonly pattern: Re2Pattern;
}

function compile(source: string, flags: string): Compiled {
  const { re2js } = userRegexEngine();
  const pattern = toRe2Source(source, flags);
  const re2 = re2js.RE2JS.compile(
    pattern.source,
    flags.includes('i') ? re2js.RE2JS.CASE_INSENSITIVE : 0,
  );
  return { re2, pattern };
}

type Indices = [number, number] | undefined;

/**
 * A RegExp whose matching runs on RE2 (the re2js port): time linear in the input whatever the
 * pattern, so a rule pack or config regex from a pull request cannot stall a scan with
 * catastrophic backtracking. It is a real RegExp subclass: `exec` is overridden and every
 * built-in that matches (`test`, `matchAll`, `replace`, `split`) goes through it, clones
 * included (they are made with this constructor), with JavaScript's results: `index`, captures,
 * `groups`, `indices` for the d flag, `lastIndex` for g and y. The pattern is checked and
 * translated by toRe2Source; construct only what userRegexProblem accepted.
 */
export class LinearRegExp extends RegExp {
  readonly #compiled: Compiled;
  #input: string | undefined;
  #matcher: Matcher | undefined;

  constructor(pattern: string | RegExp, flags?: string) {
    super(pattern, flags);
    this.#compiled =
      pattern instanceof LinearRegExp &&
      this.flags.replace(/[dgy]/g, '') === pattern.flags.replace(/[dgy]/g, '')
        ? pattern.#compiled
        : compile(this.source, this.flags);
  }

  /** One matcher per input string: a matchAll loop asks again and again about the same text. */
  #matcherFor(input: string): Matcher {
    if (this.#matcher === undefined || this.#input !== input) {
      this.#matcher = this.#compiled.re2.matcher(input);
      this.#input = input;
    }
    return this.#matcher;
  }

  override exec(value: string): RegExpExecArray | null {
    const input = String(value);
    const moves = this.global || this.sticky;
    const from = moves ? Math.max(0, Math.trunc(Number(this.lastIndex)) || 0) : 0;
    const m = from > input.length ? undefined : this.#matcherFor(input);
    if (m === undefined || !m.find(from) || (this.sticky && m.start() !== from)) {
      if (moves) this.lastIndex = 0;
      return null;
    }
    const count = m.groupCount();
    const values: (string | undefined)[] = [];
    const spans: Indices[] = [];
    for (let g = 0; g <= count; g++) {
      const start = m.start(g);
      const matched = start >= 0;
      values.push(matched ? (m.group(g) ?? undefined) : undefined);
      spans.push(matched ? [start, m.end(g)] : undefined);
    }
    const result = values as unknown as RegExpExecArray;
    result.index = m.start();
    result.input = input;
    const names = this.#compiled.pattern.groupNames;
    const named = (list: readonly unknown[]) => {
      if (names === undefined) return undefined;
      const groups: Record<string, unknown> = Object.create(null);
      names.forEach((name, i) => {
        if (name !== undefined) groups[name] = list[i + 1];
      });
      return groups;
    };
    // `groups` is always present, undefined without named groups, as on a RegExp's results.
    (result as { groups?: unknown }).groups = named(values);
    if (this.hasIndices) {
      const indices = spans as unknown as RegExpIndicesArray;
      (indices as { groups?: unknown }).groups = named(spans);
      result.indices = indices;
    }
    if (moves) this.lastIndex = m.end();
    return result;
  }

  override test(value: string): boolean {
    // Without g or y nothing is stateful: RE2's DFA answers without locating captures.
    if (this.global || this.sticky) return this.exec(value) !== null;
    return this.#compiled.re2.test(String(value));
  }
}
