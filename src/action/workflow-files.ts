import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/**
 * One `$GITHUB_OUTPUT` entry. Single-line values are `name=value`; multi-line values use the
 * heredoc form with a random delimiter that cannot occur in the value.
 */
export function formatOutput(name: string, value: string): string {
  if (!/[\r\n]/.test(value)) return `${name}=${value}\n`;
  let delimiter = `ghadelimiter_${randomBytes(8).toString('hex')}`;
  while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomBytes(8).toString('hex')}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Appends outputs to the file GitHub names in GITHUB_OUTPUT (nothing when unset, e.g. locally). */
export function writeOutputs(
  file: string | undefined,
  outputs: Readonly<Record<string, string | number>>,
): void {
  if (file === undefined || file === '') return;
  appendFileSync(
    file,
    Object.entries(outputs)
      .map(([k, v]) => formatOutput(k, String(v)))
      .join(''),
  );
}

/** Appends Markdown to the step summary file (GITHUB_STEP_SUMMARY), when there is one. */
export function appendSummary(file: string | undefined, markdown: string): void {
  if (file === undefined || file === '') return;
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}
