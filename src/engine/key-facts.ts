import accountList from '../../rules/aws-accounts.json' with { type: 'json' };
import type { KeyFacts } from '../model/finding.js';
import { decodeAccountId } from './decode-account.js';

/** One group of `rules/aws-accounts.json` (validated by rules/aws-accounts.schema.json in tests). */
export interface AccountGroup {
  readonly id: string;
  readonly kind: 'canary';
  readonly title: string;
  readonly description?: string;
  readonly accounts: readonly string[];
}

const GROUPS = (accountList as { readonly groups: readonly AccountGroup[] }).groups;
const CANARY = new Map<string, AccountGroup>();
for (const group of GROUPS) {
  if (group.kind === 'canary') for (const account of group.accounts) CANARY.set(account, group);
}

/** The canary group (Thinkst canarytokens, off-brand decoys) an account belongs to, if any. */
export function canaryGroupOf(account: string): AccountGroup | undefined {
  return CANARY.get(account);
}

/**
 * Offline facts about a key ID: its prefix, the account it encodes (undefined for legacy IDs),
 * and whether that account is a known canary issuer. Never calls AWS.
 */
export function keyFactsFor(keyId: string): KeyFacts {
  const prefix = keyId.slice(0, 4);
  const account = decodeAccountId(keyId);
  if (account === undefined) return { prefix };
  return CANARY.has(account) ? { prefix, account, canary: true } : { prefix, account };
}
