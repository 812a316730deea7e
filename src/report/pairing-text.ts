import type { PairBasis } from '../model/finding.js';

const TEXT: Readonly<Record<PairBasis, string>> = {
  label: 'the secret is named as an AWS secret',
  'credential-name': 'the secret is named as a credential beside the key ID',
  'same-statement': 'the secret follows the key ID in the same statement',
  adjacent: 'an unnamed secret a few lines from the key ID',
};

/** Why a secret was paired with its key ID, in words (`Finding.pairedBy`). */
export function pairingText(basis: PairBasis): string {
  return TEXT[basis];
}
