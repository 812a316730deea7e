import type { FindingVerification, PrincipalKind } from '../model/finding.js';

const PRINCIPAL: Readonly<Record<PrincipalKind, string>> = {
  root: 'root user',
  user: 'IAM user',
  'assumed-role': 'assumed role',
  'federated-user': 'federated user',
  other: 'principal',
};

/**
 * One line on what `--verify` found: `live: IAM user arn:…`, `inactive (InvalidClientTokenId)`,
 * `unknown (timeout)`, `not checked (canary)`. Holds no secret: ARNs and STS codes only.
 */
export function verificationText(v: FindingVerification): string {
  switch (v.status) {
    case 'live':
      return `live: ${PRINCIPAL[v.principal ?? 'other']} ${v.arn ?? ''}`.trimEnd();
    case 'inactive':
      return `inactive (${v.reason ?? 'rejected by STS'})`;
    case 'unknown':
      return `unknown (${v.reason ?? 'no answer'}): treat as live`;
    case 'skipped':
      return `not checked (${v.reason ?? 'skipped'})`;
  }
}
