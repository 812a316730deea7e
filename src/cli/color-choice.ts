import type { CommandIo } from './command-io.js';
import type { Parsed } from './parse-options.js';

/** The colour flags every command that prints takes. */
export const COLOR_OPTIONS = {
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
} as const;

export const COLOR_OPTIONS_HELP = `      --color, --no-color   force or disable colour (default: on a terminal; NO_COLOR and
                            FORCE_COLOR are honoured)`;

/**
 * One colour policy for every command: `--no-color` and `--color` first, then FORCE_COLOR
 * (`0`/`false` off), then NO_COLOR (set and not empty: off), else colour only on a terminal that
 * is not `dumb`. Never colour into a file.
 */
export function useColor(io: CommandIo, values: Parsed['values'], toFile = false): boolean {
  if (values['no-color'] === true || toFile) return false;
  if (values.color === true) return true;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdout.isTTY && io.env.TERM !== 'dumb';
}
