import { escapeControl } from './escape-control.js';

/**
 * What a backtick code span may hold as it is: inside one only a backtick or a pipe (in a table)
 * means anything, and `<`, `>`, `&`, `[`, `]`, `\` are kept out too so that no reader or filter of
 * the page ever sees them raw.
 */
const SPECIAL_IN_CODE = /[`|<>&[\]\\]/;

/**
 * Text for GitHub-flavoured Markdown (with HTML) that came from what was scanned: a file name, a
 * rule title, a commit or error message. It cannot leave its table cell or paragraph, start a
 * code span, a link, an image, emphasis or an HTML tag: `\`, `` ` ``, `|`, `*`, `_`, `~`, `[`, `]`
 * are backslash-escaped, `&`, `<`, `>` become entities, control characters become visible escapes
 * (so there is never a line break).
 */
export function markdownText(text: string): string {
  return escapeControl(text)
    .replace(/[\\`|*_~[\]]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * The same text in a monospace span: a plain code span when nothing in it is special, otherwise
 * an HTML `<code>` element holding escaped text (a backtick-delimited span can neither escape a
 * pipe reliably nor hold every run of backticks).
 */
export function markdownCode(text: string): string {
  const plain =
    text !== '' &&
    text.trim() === text &&
    !SPECIAL_IN_CODE.test(text) &&
    escapeControl(text) === text;
  return plain ? `\`${text}\`` : `<code>${markdownText(text)}</code>`;
}
