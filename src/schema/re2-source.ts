import type { AST } from '@eslint-community/regexpp';
import { userRegexEngine } from './user-regex-engine.js';

/** A JavaScript pattern rewritten for RE2, with what exec() needs to answer like a RegExp. */
export interface Re2Pattern {
  readonly source: string;
  /** Capture group names in group order (undefined for unnamed groups); none when no group is named. */
  readonly groupNames?: readonly (string | undefined)[];
}

/** Why a pattern cannot run on the linear-time engine: a short reason, never the pattern. */
export class UnsupportedPattern extends Error {}

const MAX_REPEAT = 1000;
const MAX_CODE_POINT = 0x10ffff;

/** What JavaScript's `\s` matches (RE2's is ASCII only), as code point ranges. */
const JS_SPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** What JavaScript's `.` does not match without the s flag (RE2's `.` only leaves out \n). */
const JS_LINE_END: readonly (readonly [number, number])[] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

const hex = (c: number): string => `\\x{${c.toString(16)}}`;

function ranges(list: readonly (readonly [number, number])[]): string {
  return list.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
}

function complement(list: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [a, b] of list) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

function escapeSet(node: AST.EscapeCharacterSet): string {
  if (node.kind === 'space') return ranges(node.negate ? complement(JS_SPACE) : JS_SPACE);
  // \d and \w are ASCII in both engines without the u flag.
  const letter = node.kind === 'digit' ? 'd' : 'w';
  return `\\${node.negate ? letter.toUpperCase() : letter}`;
}

interface Printer {
  readonly dotAll: boolean;
  readonly names: (string | undefined)[];
}

function printAlternatives(alternatives: readonly AST.Alternative[], p: Printer): string {
  return alternatives.map((a) => a.elements.map((e) => printElement(e, p)).join('')).join('|');
}

function printClass(node: AST.CharacterClass): string {
  if (node.unicodeSets) throw new UnsupportedPattern('a set operation in a character class');
  const parts = node.elements.map((e) => {
    switch (e.type) {
      case 'Character':
        return hex(e.value);
      case 'CharacterClassRange':
        return `${hex(e.min.value)}-${hex(e.max.value)}`;
      case 'CharacterSet':
        if (e.kind === 'property') throw new UnsupportedPattern('a Unicode property escape');
        return escapeSet(e);
    }
    throw new UnsupportedPattern('an unknown character class element');
  });
  // An empty class matches nothing ([^] everything): RE2 has neither spelling.
  if (parts.length === 0)
    return node.negate ? `[${hex(0)}-${hex(MAX_CODE_POINT)}]` : '[^\\x{0}-\\x{10ffff}]';
  return `[${node.negate ? '^' : ''}${parts.join('')}]`;
}

function printElement(node: AST.Element, p: Printer): string {
  switch (node.type) {
    case 'Character':
      return hex(node.value);
    case 'CharacterClass':
      return printClass(node);
    case 'ExpressionCharacterClass':
      throw new UnsupportedPattern('a set operation in a character class');
    case 'CharacterSet':
      if (node.kind === 'any') {
        return p.dotAll ? `[${hex(0)}-${hex(MAX_CODE_POINT)}]` : `[^${ranges(JS_LINE_END)}]`;
      }
      if (node.kind === 'property') throw new UnsupportedPattern('a Unicode property escape');
      return node.negate || node.kind === 'space' ? `[${escapeSet(node)}]` : escapeSet(node);
    case 'Group':
      if (node.modifiers !== null) throw new UnsupportedPattern('an inline modifier group');
      return `(?:${printAlternatives(node.alternatives, p)})`;
    case 'CapturingGroup': {
      const name = node.name ?? undefined;
      if (name !== undefined && (!/^[A-Za-z0-9_]+$/.test(name) || p.names.includes(name))) {
        throw new UnsupportedPattern(
          'a capture group name RE2 cannot take (letters, digits, _; once)',
        );
      }
      p.names.push(name);
      return `(${name === undefined ? '' : `?P<${name}>`}${printAlternatives(node.alternatives, p)})`;
    }
    case 'Backreference':
      throw new UnsupportedPattern('a backreference');
    case 'Assertion':
      switch (node.kind) {
        case 'start':
          return '^';
        case 'end':
          return '$';
        case 'word':
          return node.negate ? '\\B' : '\\b';
        default:
          throw new UnsupportedPattern('a lookahead or lookbehind');
      }
    case 'Quantifier': {
      if (node.element.type === 'Assertion') throw new UnsupportedPattern('a repeated assertion');
      const { min, max } = node;
      if (min > MAX_REPEAT || (max !== Number.POSITIVE_INFINITY && max > MAX_REPEAT)) {
        throw new UnsupportedPattern(`a repetition count over ${MAX_REPEAT}`);
      }
      const count =
        max === Number.POSITIVE_INFINITY
          ? `{${min},}`
          : min === max
            ? `{${min}}`
            : `{${min},${max}}`;
      return `(?:${printElement(node.element, p)})${count}${node.greedy ? '' : '?'}`;
    }
  }
}

/**
 * Rewrites a JavaScript pattern (flags '', 'i', 's', with 'd', 'g', 'y' handled by the caller)
 * in RE2's syntax with JavaScript's meaning: `.` and `\s` spelt out as JavaScript defines them,
 * every character as `\x{…}`. What RE2 cannot do (lookaround, backreferences) is an
 * UnsupportedPattern. The pattern must already be valid JavaScript.
 */
export function toRe2Source(source: string, flags: string): Re2Pattern {
  if (/[muv]/.test(flags)) throw new UnsupportedPattern('the m, u or v flag');
  const { regexpp } = userRegexEngine();
  const ast = new regexpp.RegExpParser({ ecmaVersion: 2025 }).parsePattern(
    source,
    0,
    source.length,
    { unicode: false, unicodeSets: false },
  );
  const printer: Printer = { dotAll: flags.includes('s'), names: [] };
  const out = printAlternatives(ast.alternatives, printer);
  return printer.names.some((n) => n !== undefined)
    ? { source: out, groupNames: printer.names }
    : { source: out };
}
