import { type ParseArgsConfig, parseArgs } from 'node:util';
import { KeyguardError } from '../model/errors.js';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  /** How many positionals came before a `--` on the command line (undefined: there was none). */
  readonly beforeDashDash?: number;
}

/**
 * `--jobs -1`: parseArgs reads a value that starts with `-` as a missing value; a negative number
 * after a flag that takes a value is its value (and then gets the flag's own range error).
 */
function negativeValues(argv: readonly string[], options: OptionSpec): string[] {
  const valued = new Set<string>();
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type !== 'string') continue;
    valued.add(`--${name}`);
    if (spec.short !== undefined) valued.add(`-${spec.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (valued.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg.startsWith('--') ? arg : `--${longName(options, arg)}`}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function longName(options: OptionSpec, short: string): string {
  return Object.entries(options).find(([, spec]) => `-${spec.short}` === short)?.[0] ?? short;
}

/** parseArgs with one-line errors that name the flag, never a stack trace. */
export function parseOptions(
  argv: readonly string[],
  options: OptionSpec,
  command: string,
  maxPositionals = Number.POSITIVE_INFINITY,
): Parsed {
  let parsed: Parsed;
  try {
    const { values, positionals, tokens } = parseArgs({
      args: negativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
    const end = tokens.find((t) => t.kind === 'option-terminator')?.index;
    const before =
      end === undefined
        ? undefined
        : tokens.filter((t) => t.kind === 'positional' && t.index < end).length;
    parsed = {
      values: values as Parsed['values'],
      positionals,
      ...(before === undefined ? {} : { beforeDashDash: before }),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: string }).code;
    const flag = /(--[\w-]+)/.exec(message)?.[1] ?? /'(-[^' ,]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new KeyguardError(
        'USAGE',
        `unknown option '${flag}' for 'keyguard ${command}' (see keyguard ${command} --help)`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new KeyguardError(
        'USAGE',
        `option '${flag}' ${/argument missing|ambiguous/.test(message) ? 'needs a value' : 'takes no value'}`,
      );
    }
    throw new KeyguardError('USAGE', message.split('\n')[0] ?? message);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new KeyguardError(
      'USAGE',
      `unexpected argument '${parsed.positionals[maxPositionals] ?? ''}' for 'keyguard ${command}'`,
    );
  }
  return parsed;
}

/** The one wording for a value outside a fixed list: the flag, every valid value, what was given. */
export function notOneOf(flag: string, valid: readonly string[], got: string): KeyguardError {
  return new KeyguardError(
    'USAGE',
    `option '${flag}' takes one of ${valid.join(', ')}, not '${got}'`,
  );
}

export function stringOption(values: Parsed['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: Parsed['values'], name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|k|kib|mb|m|mib|gb|g|gib)?$/i;
const UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `10MB`, `512k`, `1048576` → bytes. */
export function parseSize(text: string, flag: string): number {
  const m = SIZE.exec(text.trim());
  if (m === null)
    throw new KeyguardError(
      'USAGE',
      `option '${flag}' takes a size such as 10MB or 1048576, not '${text}'`,
    );
  return Math.round(Number(m[1]) * (UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}
