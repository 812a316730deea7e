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
 * `::name key=value,…::message`, with every part escaped. Property values (a file name from the
 * scan, a title) are also shown with their control characters as escapes: the runner decodes only
 * the toolkit's escapes and prints the rest raw, so an ESC in a file name would reach the log as a
 * terminal sequence. The message is the caller's to escape: its own line breaks are kept.
 */
export function workflowCommand(
  name: string,
  properties: Readonly<Record<string, string | number | undefined>>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeCommandProperty(escapeControl(String(v)))}`)
    .join(',');
  return `::${name}${props === '' ? '' : ` ${props}`}::${escapeCommandData(message)}`;
}
