import { type ErrorCode, KeyguardError } from '../model/errors.js';

export interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
  readonly keyword: string;
}

/**
 * Property names shaped like ours (camelCase letters, at most 32) are named in messages; any other
 * name could be a value pasted in the wrong place (a key ID as a property name) and is not.
 */
const NAMEABLE = /^\$?[a-z][A-Za-z]{0,31}$/;

function describe(error: SchemaError): string {
  if (error.keyword === 'additionalProperties') {
    const name = String(error.params.additionalProperty);
    return NAMEABLE.test(name) ? `unknown property '${name}'` : 'unknown property';
  }
  if (error.keyword === 'enum') {
    return `${error.message ?? 'invalid'}: ${JSON.stringify(error.params.allowedValues)}`;
  }
  return error.message ?? error.keyword;
}

/** A schema compiled ahead of time by scripts/validators.mjs (ajv standalone code). */
export type SchemaValidator = ((data: unknown) => boolean) & {
  errors?: readonly SchemaError[] | null;
};

/**
 * Checks `data` with a precompiled schema validator and reports every error at once, each as
 * `file#/json/pointer: message`. Messages say what is wrong, never the value: ajv's own ("must be
 * integer", "must match pattern …") quote only the schema, and pointers hold only property names
 * the schema knows (every object refuses unknown ones) and indices.
 */
export function validateJson<T>(
  data: unknown,
  validate: SchemaValidator,
  file: string,
  code: ErrorCode,
  what: string,
): T {
  if (validate(data)) return data as T;
  const errors = validate.errors ?? [];
  // `if/then` adds a summary error on top of the real ones; the real ones say more.
  const useful = errors.filter((e) => e.keyword !== 'if');
  const lines = [...new Set(useful.map((e) => `${file}#${e.instancePath}: ${describe(e)}`))];
  throw new KeyguardError(
    code,
    `${file}: invalid ${what} (${lines.length} error${lines.length === 1 ? '' : 's'})`,
    {
      details: lines,
    },
  );
}
