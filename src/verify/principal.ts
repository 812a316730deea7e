import type { Severity } from '../model/finding.js';

export type PrincipalType = 'root' | 'user' | 'assumed-role' | 'federated-user' | 'other';

export interface Principal {
  readonly type: PrincipalType;
  /** Severity of a live credential for this principal (B6: root critical, user high, sessions medium). */
  readonly severity: Severity;
}

const SEVERITY: Readonly<Record<PrincipalType, Severity>> = {
  root: 'critical',
  user: 'high',
  'assumed-role': 'medium',
  'federated-user': 'medium',
  // An ARN we do not recognise still signs requests: treat it like a long-term key.
  other: 'high',
};

/**
 * What kind of principal a GetCallerIdentity ARN names. The ARN decides, not the key prefix: an
 * ASIA key from GetSessionToken acts as its user, even as root.
 */
export function principalOf(arn: string): Principal {
  const m = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(.+)$/.exec(arn);
  const service = m?.[1];
  const resource = m?.[2] ?? '';
  let type: PrincipalType = 'other';
  if (service === 'iam' && resource === 'root') type = 'root';
  else if (service === 'iam' && resource.startsWith('user/')) type = 'user';
  else if (service === 'sts' && resource.startsWith('assumed-role/')) type = 'assumed-role';
  else if (service === 'sts' && resource.startsWith('federated-user/')) type = 'federated-user';
  return { type, severity: SEVERITY[type] };
}
