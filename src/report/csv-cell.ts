import { escapeControl } from './escape-control.js';

/**
 * What a spreadsheet reads as the start of a formula: `=`, `+`, `-`, `@` (and their full-width
 * forms, which some spreadsheets fold to ASCII), tab and carriage return — after any leading
 * spaces, which spreadsheets skip too.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/**
 * One CSV field (RFC 4180) from text that may come from what was scanned (a file name, a masked
 * line, a commit author): control characters shown as escapes (no cell spans lines), a cell a
 * spreadsheet would run as a formula (`=HYPERLINK(…)` in a file name) prefixed with `'`, and
 * quoted when it holds a quote, comma or line break, with quotes doubled.
 */
export function csvCell(text: string): string {
  const shown = FORMULA_START.test(text) ? `'${escapeControl(text)}` : escapeControl(text);
  return /[",\r\n]/.test(shown) ? `"${shown.replace(/"/g, '""')}"` : shown;
}
