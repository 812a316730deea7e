import { escapeControl } from './escape-control.js';

/** Escapes a workflow command's message the way GitHub's toolkit does: `%`, CR and LF. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command property value: the message escapes plus `:` and `,`. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A property value with its control characters shown as escapes, but for tab, CR and LF: the
 * runner decodes `%0D` and `%0A` back (a file name holding a line break still names its file) and
 * prints the rest raw, so an ESC in a file name would reach the log as a terminal sequence.
 */
function shownProperty(text: string): string {
  return text
    .split(/([\t\n\r])/)
    .map((part, i) => (i % 2 === 1 ? part : escapeControl(part)))
    .join('');
}

/**
 * `::name key=value,…::message`, with every part escaped, and control characters in property
 * values shown (see shownProperty). The message is the caller's to escape: its own line breaks
 * are kept.
 */
export function workflowCommand(
  name: string,
  properties: Readonly<Record<string, string | number | undefined>>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeCommandProperty(shownProperty(String(v)))}`)
    .join(',');
  return `::${name}${props === '' ? '' : ` ${props}`}::${escapeCommandData(message)}`;
}
