import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';

/** The official SARIF 2.1.0 schema (OASIS), vendored unchanged: tests read nothing outside the repository. */
export const SARIF_SCHEMA_FILE = resolve(
  import.meta.dirname,
  '../../fixtures/schemas/sarif-schema-2.1.0.json',
);

// CommonJS default export: NodeNext typing sees the module object, the runtime may too.
const Ajv = ((AjvDraft04 as unknown as { default?: unknown }).default ??
  AjvDraft04) as typeof AjvDraft04.default;

/** Validates a parsed SARIF log; returns ajv's errors (empty when valid). */
export function sarifErrors(log: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA_FILE, 'utf8')) as object);
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
