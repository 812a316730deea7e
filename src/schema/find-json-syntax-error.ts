/** Where a JSON text stops being JSON, and why, in words that never quote the text. */
export interface JsonSyntaxError {
  /** Offset into the text (UTF-16 units). */
  readonly index: number;
  readonly reason: string;
}

type Expect =
  | 'value'
  | 'value-or-close'
  | 'key'
  | 'key-or-close'
  | 'colon'
  | 'comma-or-close'
  | 'end';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/**
 * The first syntax error in `text` (RFC 8259), or undefined when it is valid JSON. JSON.parse says
 * the same, but V8 quotes the input around the error in its message ("Unexpected token 'A',
 * "{"key": AKIA…" is not valid JSON"), and a config or rule pack may hold a secret right there.
 * Iterative, so a deeply nested input cannot overflow the stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ('object' | 'array')[] = [];
  let i = 0;
  let expect: Expect = 'value';
  const after = (): Expect => (stack.length === 0 ? 'end' : 'comma-or-close');
  const close = (): void => {
    stack.pop();
    i++;
    expect = after();
  };
  /** Skips a string starting at i; an error, or undefined. */
  const string = (): JsonSyntaxError | undefined => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) return { index: start, reason: 'unterminated string' };
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { index: i, reason: 'control character inside a string' };
      if (c === 0x5c) {
        const next = text[i + 1] ?? '';
        if (ESCAPES.has(next)) i += 2;
        else if (next === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else return { index: i, reason: 'invalid escape sequence in a string' };
      } else {
        i++;
      }
    }
  };
  for (;;) {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
    if (i >= text.length) {
      return expect === 'end' ? undefined : { index: i, reason: 'unexpected end of input' };
    }
    const c = text[i] as string;
    const top = stack.at(-1);
    switch (expect) {
      case 'end':
        return { index: i, reason: 'unexpected content after the end of the JSON value' };
      case 'colon':
        if (c !== ':') return { index: i, reason: "expected ':' after a property name" };
        i++;
        expect = 'value';
        break;
      case 'comma-or-close':
        if (c === ',') {
          i++;
          expect = top === 'object' ? 'key' : 'value';
        } else if ((top === 'object' && c === '}') || (top === 'array' && c === ']')) {
          close();
        } else {
          return {
            index: i,
            reason: top === 'object' ? "expected ',' or '}'" : "expected ',' or ']'",
          };
        }
        break;
      case 'key':
      case 'key-or-close': {
        if (c === '}' && expect === 'key-or-close') {
          close();
          break;
        }
        if (c !== '"') {
          return {
            index: i,
            reason:
              c === '}' ? "trailing comma before '}'" : 'expected a property name in double quotes',
          };
        }
        const bad = string();
        if (bad !== undefined) return bad;
        expect = 'colon';
        break;
      }
      case 'value':
      case 'value-or-close': {
        if (c === ']' && expect === 'value-or-close') {
          close();
        } else if (c === '{') {
          stack.push('object');
          i++;
          expect = 'key-or-close';
        } else if (c === '[') {
          stack.push('array');
          i++;
          expect = 'value-or-close';
        } else if (c === '"') {
          const bad = string();
          if (bad !== undefined) return bad;
          expect = after();
        } else if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (m === null) return { index: i, reason: 'invalid number' };
          i += m[0].length;
          expect = after();
        } else {
          const literal = ['true', 'false', 'null'].find((l) => text.startsWith(l, i));
          if (literal === undefined) {
            return {
              index: i,
              reason: c === ']' ? "trailing comma before ']'" : 'expected a value (unquoted text?)',
            };
          }
          i += literal.length;
          expect = after();
        }
        break;
      }
    }
  }
}
