const NAMED: Readonly<Record<string, string>> = {
  space: ' ',
  exclam: '!',
  quotedbl: '"',
  numbersign: '#',
  dollar: '$',
  percent: '%',
  ampersand: '&',
  quotesingle: "'",
  quoteright: '\u2019',
  quoteleft: '\u2018',
  parenleft: '(',
  parenright: ')',
  asterisk: '*',
  plus: '+',
  comma: ',',
  hyphen: '-',
  minus: '-',
  period: '.',
  slash: '/',
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  colon: ':',
  semicolon: ';',
  less: '<',
  equal: '=',
  greater: '>',
  question: '?',
  at: '@',
  bracketleft: '[',
  backslash: '\\',
  bracketright: ']',
  asciicircum: '^',
  underscore: '_',
  grave: '`',
  braceleft: '{',
  bar: '|',
  braceright: '}',
  asciitilde: '~',
  ff: 'ff',
  fi: 'fi',
  fl: 'fl',
  ffi: 'ffi',
  ffl: 'ffl',
};

/**
 * The text of a glyph name, as in an encoding's /Differences (pdfTeX's Type 1 fonts carry no
 * ToUnicode, only glyph names): ASCII names, `uniXXXX`, `uXXXX`, and a suffix like `.sc` dropped.
 */
export function glyphNameText(glyph: string): string | undefined {
  const base = glyph.split('.')[0] ?? '';
  if (/^[A-Za-z]$/.test(base)) return base;
  const named = NAMED[base];
  if (named !== undefined) return named;
  const uni = /^uni((?:[0-9A-F]{4})+)$/.exec(base);
  if (uni !== null) {
    let s = '';
    for (let i = 0; i < (uni[1] as string).length; i += 4)
      s += String.fromCharCode(Number.parseInt((uni[1] as string).slice(i, i + 4), 16));
    return s;
  }
  const u = /^u([0-9A-F]{4,6})$/.exec(base);
  if (u !== null) {
    const cp = Number.parseInt(u[1] as string, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined;
  }
  if (base.includes('_')) {
    const parts = base.split('_').map(glyphNameText);
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  return undefined;
}
