import awsPack from '../../rules/aws.json' with { type: 'json' };
import type { RulePackSpec } from '../model/rule.js';

/** The shipped AWS pack; validated against its schema by the test suite, inlined by the bundler. */
export const BUILTIN_PACK = awsPack as RulePackSpec;
export const BUILTIN_PACK_FILE = 'rules/aws.json';
