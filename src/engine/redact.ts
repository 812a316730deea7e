import { nodeCrypto } from '../model/node-crypto.js';
import type { RuleKind } from '../model/rule.js';

export function sha256Hex(value: string): string {
  return nodeCrypto().createHash('sha256').update(value, 'utf8').digest('hex');
}

const KEEP = 4;
const MAX_STARS = 32;

/**
 * The display form of a value: key IDs keep their 4-character prefix and last 4 characters;
 * secrets and tokens keep only their last 4. Nothing else of a value is ever shown.
 */
export function redactValue(kind: RuleKind, value: string): string {
  if (value.length <= KEEP * 2) return '*'.repeat(value.length);
  const head = kind === 'key-id' || kind === 'identifier' ? value.slice(0, KEEP) : '';
  const stars = Math.min(value.length - head.length - KEEP, MAX_STARS);
  return `${head}${'*'.repeat(stars)}${value.slice(-KEEP)}`;
}
