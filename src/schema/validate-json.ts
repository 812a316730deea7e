import { type ErrorCode, KeyguardError } from '../model/errors.js';

interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
  readonly keyword: string;
}

function describe(error: SchemaError): string {
  if (error.keyword === 'additionalProperties') {
    return `unknown property '${String(error.params.additionalProperty)}'`;
  }
  if (error.keyword === 'enum') {
    return `${error.message ?? 'invalid'}: ${JSON.stringify(error.params.allowedValues)}`;
  }
  return error.message ?? error.keyword;
}

/**
 * Validates `data` against a JSON Schema (draft 2020-12) and reports every error at once, each as
 * `file#/json/pointer: message`. ajv is imported here, lazily: only user-supplied files pay for it.
 */
export async function validateJson<T>(
  data: unknown,
  schema: object,
  file: string,
  code: ErrorCode,
  what: string,
): Promise<T> {
  const mod = await import('ajv/dist/2020.js');
  // CommonJS interop differs between Node (named export) and the bundle (default export).
  const Ajv2020 =
    mod.Ajv2020 ?? (mod.default as unknown as { Ajv2020: typeof mod.Ajv2020 }).Ajv2020;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  });
  const validate = ajv.compile(schema);
  if (validate(data)) return data as T;
  const errors = (validate.errors ?? []) as SchemaError[];
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
