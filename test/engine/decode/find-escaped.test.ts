import { describe, expect, it } from 'vitest';
import { decodeEscapes, findEscapedRuns } from '../../../src/engine/decode/find-escaped.js';

describe('decodeEscapes', () => {
  it('decodes URL escapes as UTF-8 bytes, leaving broken ones', () => {
    expect(decodeEscapes('%41KIA%2F%2b%3D%ZZ%4', 'url')).toBe('AKIA/+=%ZZ%4');
    expect(decodeEscapes('%C3%A9', 'url')).toBe('é');
  });

  it('decodes JSON and JS escapes, leaving broken ones', () => {
    expect(decodeEscapes('\\u0041\\u{4b}\\x49\\u{41}\\/\\n\\"', 'escape')).toBe('AKIA/\n"');
    expect(decodeEscapes('\\u{110000}\\u00G1\\q', 'escape')).toBe('\\u{110000}\\u00G1\\q');
  });

  it('decodes numeric and XML entities, leaving unknown ones', () => {
    expect(decodeEscapes('&#65;&#x4B;&#X49;&#065;&amp;&nbsp;&#99999999;', 'entity')).toBe(
      'AKIA&&nbsp;&#99999999;',
    );
  });
});

describe('findEscapedRuns', () => {
  it('takes the run around an escaped A, by family', () => {
    const text = 'x = "\\u0041KIAB\\"C" and url=https://h/?a=%41KIA&b=1 <b>&#65;KIA</b>';
    expect(
      findEscapedRuns(text).map((r) => [text.slice(r.start, r.end), r.text, r.family]),
    ).toEqual([
      ['\\u0041KIAB\\"C', 'AKIAB"C', 'escape'],
      ['url=https://h/?a=%41KIA&b=1', 'url=https://h/?a=AKIA&b=1', 'url'],
      ['&#65;KIA', 'AKIA', 'entity'],
    ]);
  });

  it('leaves escapes that hold no escaped A alone', () => {
    expect(findEscapedRuns('a=%2F%2B "\\/" &amp;')).toEqual([]);
  });

  it('reads a 1 MB line of escapes in bounded runs, each once', () => {
    const text = '%41'.repeat(350_000);
    const runs = findEscapedRuns(text);
    expect(runs.reduce((n, r) => n + (r.end - r.start), 0)).toBe(text.length);
    // Window edges may cut one escape in two; everything else decodes.
    for (const r of runs) expect(r.text).toMatch(/^[%0-9]{0,2}A+[%0-9]{0,2}$/);
  });
});
