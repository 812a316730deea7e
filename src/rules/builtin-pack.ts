import awsPack from '../../rules/aws.json' with { type: 'json' };
import type { RulePackSpec } from '../model/rule.js';

/** The shipped AWS pack; validated against its schema by the test suite, inlined by the bundler. */
export const BUILTIN_PACK = awsPack as RulePackSpec;
export const BUILTIN_PACK_FILE = 'rules/aws.json';

let builtinJson: string | undefined;

/**
 * Whether `spec` is the shipped pack: the same object, or an identical copy (a scan worker
 * receives a structured clone). Only its patterns run on V8's own engine, lookbehinds and all;
 * every other pack's run on the linear-time one.
 */
export function isBuiltinPack(spec: RulePackSpec): boolean {
  if (spec === BUILTIN_PACK) return true;
  builtinJson ??= JSON.stringify(BUILTIN_PACK);
  return JSON.stringify(spec) === builtinJson;
}
