import builtinPack from '../../rules/aws.json' with { type: 'json' };
import type { EngineHashing } from '../model/config.js';
import { nodeCrypto } from '../model/node-crypto.js';
import type { CompiledRule } from '../model/rule.js';
import { shannonEntropy } from './entropy.js';
import { sha256Hex } from './redact.js';

/** What may leave the engine about a value: hashes that cannot be reversed by guessing. */
export interface ValueHashes {
  readonly secretHash?: string;
  readonly secretHmac?: string;
  readonly legacyRef?: string;
}

/** Whether each compiled rule is one of GENERATED, decided once per rule. */
const GENERATED_RULE = new WeakMap<CompiledRule, boolean>();

/** Below this many unknown bits beyond what is shown, a plain hash can be reversed by search. */
const MIN_UNKNOWN_BITS = 128;
/** Characters of a secret or token that the redacted form shows (see redactValue). */
const SHOWN = 4;

/**
 * Rules whose values AWS generates at random: the built-in secret access key (40 base64
 * characters) and session token. A rule pack's own rule, however named, is not vouched for: its
 * pattern may accept values with little to guess.
 */
const GENERATED = new Set(
  (builtinPack as { rules: { id: string; kind: string; pattern?: string }[] }).rules
    .filter((r) => r.kind === 'secret' || r.kind === 'session-token')
    .map((r) => `${r.id}\n${r.pattern ?? ''}`),
);

/**
 * Whether a plain SHA-256 of the value is safe to show: it comes from a rule whose values are
 * generated at random, and beyond the characters a report shows it keeps at least 128 bits (by
 * a conservative count: its own character entropy times the hidden length). Key IDs never are:
 * their prefix, last four characters and the account they encode are printed, and what is left
 * is a search of well under 2^64.
 */
export function isUnguessable(rule: CompiledRule, value: string): boolean {
  let generated = GENERATED_RULE.get(rule);
  if (generated === undefined) {
    generated = GENERATED.has(`${rule.id}\n${rule.spec.pattern ?? ''}`);
    GENERATED_RULE.set(rule, generated);
  }
  if (!generated) return false;
  return shannonEntropy(value) * (value.length - SHOWN) >= MIN_UNKNOWN_BITS;
}

/**
 * The hashes a finding may carry for its identifying value. Unguessable values: plain SHA-256
 * (what `allowlist.secrets[].sha256` and baselines have always used). Guessable ones: an
 * HMAC-SHA256 under the baseline's random key, or nothing without a key; their plain hash is
 * computed only to recognise old baseline entries, and what leaves is that entry's token.
 */
export function valueHashes(
  rule: CompiledRule,
  value: string,
  hashing: EngineHashing | undefined,
): ValueHashes {
  if (isUnguessable(rule, value)) return { secretHash: sha256Hex(value) };
  const key = hashing?.key;
  const legacy = hashing?.legacy;
  const legacyRef =
    legacy === undefined || legacy.size === 0 ? undefined : legacy.get(sha256Hex(value));
  return {
    ...(key === undefined
      ? {}
      : {
          secretHmac: nodeCrypto()
            .createHmac('sha256', Buffer.from(key, 'hex'))
            .update(value, 'utf8')
            .digest('hex'),
        }),
    ...(legacyRef === undefined ? {} : { legacyRef }),
  };
}

/** valueRef's key: random, made on first use in each thread, never written anywhere. */
let refKey: Buffer | undefined;

/**
 * An opaque token for these raw values, in order (see Finding.valueRef). Each value is preceded
 * by its length, so no two different lists join to the same text.
 */
export function valueRef(values: readonly string[]): string {
  const crypto = nodeCrypto();
  refKey ??= crypto.randomBytes(32);
  const hmac = crypto.createHmac('sha256', refKey);
  for (const v of values) hmac.update(`${v.length}:${v}`, 'utf8');
  return hmac.digest('hex');
}
