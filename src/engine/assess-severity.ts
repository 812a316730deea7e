import type { AccountEntry, UserConfig } from '../model/config.js';
import { type Finding, SEVERITIES, type Severity } from '../model/finding.js';

export type PrincipalType = 'root' | 'user' | 'assumed-role' | 'federated-user' | 'other';

export interface Principal {
  readonly type: PrincipalType;
  /** Severity of a live credential for this principal. */
  readonly severity: Severity;
}

const PRINCIPAL_SEVERITY: Readonly<Record<PrincipalType, Severity>> = {
  root: 'critical',
  user: 'high',
  'assumed-role': 'medium',
  'federated-user': 'medium',
  // An ARN we do not recognise still signs requests: treat it like a long-term key.
  other: 'high',
};

/**
 * What kind of principal a GetCallerIdentity ARN names, and how severe a live credential for it
 * is: root critical, IAM user high, assumed-role and federated sessions medium. The ARN decides,
 * not the key prefix: an ASIA key from GetSessionToken acts as its user, even as root.
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
  return { type, severity: PRINCIPAL_SEVERITY[type] };
}

/** The part of a verification result severity depends on (src/verify's results fit it). */
export interface VerificationSummary {
  readonly status: 'live' | 'inactive' | 'unknown' | 'skipped';
  readonly arn?: string;
  readonly account?: string;
  readonly code?: string;
}

export interface SeverityContext {
  readonly verification?: VerificationSummary;
  /** `.keyguard.json` `accounts`: own accounts escalate, allowed accounts drop to info. */
  readonly accounts?: UserConfig['accounts'];
  /** Whether a temporary pair came with its session token (false: low, it cannot be used). */
  readonly hasSessionToken?: boolean;
  /** YYYY-MM-DD used for `expires` on account entries; defaults to today (UTC). */
  readonly today?: string;
}

export interface SeverityAssessment {
  readonly severity: Severity;
  /** One short line saying why, for human output. */
  readonly reason: string;
  /** The account the decision used (verified, else decoded from the key ID). */
  readonly account?: string;
  /** Set when an `accounts.own` or `accounts.allow` entry applied. */
  readonly accountMatch?: { readonly list: 'own' | 'allow'; readonly entry: AccountEntry };
}

function activeEntry(entries: readonly AccountEntry[] | undefined, account: string, today: string) {
  return entries?.find((e) => e.id === account && (e.expires === undefined || e.expires >= today));
}

function escalate(severity: Severity): Severity {
  const i = SEVERITIES.indexOf(severity);
  return severity === 'info' || i <= 0 ? severity : (SEVERITIES[i - 1] ?? severity);
}

/**
 * The severity of a finding once offline facts and (optionally) verification are known:
 * canaries and identifiers info; verified live by ARN (root critical, user high, sessions
 * medium); verified inactive low; otherwise the rule's severity (pair high, temporary pair
 * medium or low without its token, lone key ID low). An own account raises it one level; an
 * allowed account lowers it to info. Pure: callers decide what to do with it.
 */
export function assessSeverity(
  finding: Finding,
  context: SeverityContext = {},
): SeverityAssessment {
  const today = context.today ?? new Date().toISOString().slice(0, 10);
  const verification = context.verification;
  const verifiedAccount = verification?.status === 'live' ? verification.account : undefined;
  const account = verifiedAccount ?? finding.keyFacts?.account;
  const withAccount = account === undefined ? {} : { account };

  if (finding.keyFacts?.canary === true) {
    return {
      severity: 'info',
      reason: 'likely canary (decoy) token: do not use it',
      ...withAccount,
    };
  }
  if (finding.kind === 'identifier') {
    return { severity: 'info', reason: 'identifier, not a credential', ...withAccount };
  }
  if (account !== undefined) {
    const allowed = activeEntry(context.accounts?.allow, account, today);
    if (allowed !== undefined) {
      return {
        severity: 'info',
        reason: `account ${account} is allowed: ${allowed.reason}`,
        account,
        accountMatch: { list: 'allow', entry: allowed },
      };
    }
  }

  let severity: Severity;
  let reason: string;
  if (verification?.status === 'live' && verification.arn !== undefined) {
    const principal = principalOf(verification.arn);
    severity = principal.severity;
    reason =
      principal.type === 'root'
        ? 'verified live root-user key'
        : `verified live (${principal.type === 'other' ? 'principal' : principal.type})`;
  } else if (verification?.status === 'inactive') {
    severity = 'low';
    reason = `verified not usable (${verification.code ?? 'inactive'})`;
  } else if (finding.kind === 'credential-pair' && finding.keyFacts?.prefix === 'ASIA') {
    severity = context.hasSessionToken === false ? 'low' : finding.severity;
    reason =
      context.hasSessionToken === false
        ? 'temporary credentials without their session token'
        : 'temporary credentials (usable until the session expires)';
  } else {
    severity = finding.severity;
    reason =
      finding.kind === 'credential-pair'
        ? 'key ID with its secret: treat as live'
        : finding.kind === 'access-key-id'
          ? 'key ID alone: not usable, but names the account'
          : finding.kind === 'secret-access-key'
            ? 'secret access key'
            : 'session token';
  }

  if (account !== undefined) {
    const own = activeEntry(context.accounts?.own, account, today);
    if (own !== undefined) {
      return {
        severity: escalate(severity),
        reason: `${reason}; account ${account} is one of ours (${own.reason})`,
        account,
        accountMatch: { list: 'own', entry: own },
      };
    }
  }
  return { severity, reason, ...withAccount };
}
