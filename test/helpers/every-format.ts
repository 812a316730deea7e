import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FINDING_FIELDS } from '../../src/report/finding-fields.js';
import { FORMATS } from '../../src/report/render.js';
import { SCAN_FIELDS } from '../../src/report/template.js';
import { type CliResult, runCli, tempDir } from './run-cli.js';

// Every format the CLI has: a new one is searched here without anyone remembering to add it.
export { FORMATS };

/** A template with every field a report has, each through every filter: nothing left unshown. */
export const ALL_FIELDS_TEMPLATE = `${SCAN_FIELDS.map((n) => `${n}={{${n}}}`).join('\n')}\n{{#findings}}${[
  ...FINDING_FIELDS,
  'index',
]
  .map((n) => `${n}={{${n}}} {{${n} | json}} {{${n} | csv}} {{${n} | html}} {{${n} | url}}`)
  .join('\n')}\n{{/findings}}`;

/** Writes ALL_FIELDS_TEMPLATE into `dir`: its path. */
export function writeAllFieldsTemplate(dir: string): string {
  const template = join(dir, 'all-fields.tpl');
  writeFileSync(template, ALL_FIELDS_TEMPLATE);
  return template;
}

/** The flags that ask for `format` (the template format needs its file). */
export function formatFlags(format: (typeof FORMATS)[number], template: string): string[] {
  return format === 'template'
    ? ['--format', format, '--template', template]
    : ['--format', format];
}

/**
 * Runs `args` once per report format (the template one with every field it can show) and returns
 * each output, stdout and stderr together: for checks that no format shows a raw value.
 */
export function inEveryFormat(
  args: readonly string[],
): { format: (typeof FORMATS)[number]; result: CliResult; out: string }[] {
  const dir = tempDir();
  try {
    const template = writeAllFieldsTemplate(dir.path);
    return FORMATS.map((format) => {
      const result = runCli([...args, ...formatFlags(format, template)]);
      return { format, result, out: result.stdout + result.stderr };
    });
  } finally {
    dir.cleanup();
  }
}

/** Pieces of `values` (8 characters and longer) found in `text`: none may be. */
export function rawPieces(text: string, values: readonly string[]): string[] {
  const found: string[] = [];
  for (const v of values)
    for (let i = 0; i + 8 <= v.length; i++) if (text.includes(v.slice(i, i + 8))) found.push(v);
  return [...new Set(found)];
}
