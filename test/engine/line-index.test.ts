import { describe, expect, it } from 'vitest';
import { createLineIndex } from '../../src/engine/line-index.js';

describe('createLineIndex', () => {
  it('maps offsets to 1-based lines and columns', () => {
    const text = 'ab\ncde\n\nf';
    const index = createLineIndex(text);
    expect(index.lineCount).toBe(4);
    expect([0, 1, 2, 3, 5, 7, 8].map((o) => `${index.lineOf(o)}:${index.columnOf(o)}`)).toEqual([
      '1:1',
      '1:2',
      '1:3',
      '2:1',
      '2:3',
      '3:1',
      '4:1',
    ]);
  });

  it('gives the same lines and columns for CRLF text and never returns the CR', () => {
    const lf = createLineIndex('x = 1\nkey = AKIA\nend');
    const crlf = createLineIndex('x = 1\r\nkey = AKIA\r\nend');
    const at = (t: string) => t.indexOf('AKIA');
    expect(crlf.lineOf(at('x = 1\r\nkey = AKIA\r\nend'))).toBe(
      lf.lineOf(at('x = 1\nkey = AKIA\nend')),
    );
    expect(crlf.columnOf(at('x = 1\r\nkey = AKIA\r\nend'))).toBe(7);
    expect(crlf.lineText(1)).toBe('x = 1');
    expect(crlf.lineText(2)).toBe('key = AKIA');
    expect(crlf.lineText(3)).toBe('end');
  });

  it('counts columns in UTF-16 code units', () => {
    const text = 'é🚀 K';
    const index = createLineIndex(text);
    // é is one unit, the rocket two, then a space: K sits at unit offset 4, column 5.
    expect(index.columnOf(text.indexOf('K'))).toBe(5);
  });

  it('reports far columns on one very long line', () => {
    const text = `${'x'.repeat(100_000)}KEY`;
    const index = createLineIndex(text);
    expect(index.lineOf(100_000)).toBe(1);
    expect(index.columnOf(100_000)).toBe(100_001);
  });

  it('handles a trailing newline and an empty text', () => {
    const index = createLineIndex('a\n');
    expect(index.lineCount).toBe(2);
    expect(index.lineText(2)).toBe('');
    expect(createLineIndex('').lineText(1)).toBe('');
    expect(index.lineStart(3)).toBe(2);
  });
});
