import { assessSeverity } from '../engine/assess-severity.js';
import type { UserConfig } from '../model/config.js';
import type { Finding, FindingVerification, Suppression } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import type { VerificationResult } from '../verify/verify-credential.js';

export interface AssessOptions {
  /** `.keyguard.json` `accounts`: own accounts escalate one level, allowed ones are suppressed. */
  readonly accounts?: UserConfig['accounts'];
  /** YYYY-MM-DD: account entries that expired before it no longer apply. */
  readonly today: string;
  /** `--verify` results, keyed by finding fingerprint. */
  readonly verification?: ReadonlyMap<string, VerificationResult>;
  /** Fingerprint → whether a temporary (ASIA) pair came with its session token, when known. */
  readonly sessionTokens?: ReadonlyMap<string, boolean>;
}

/** The part of a verification result a finding carries: status, account, ARN, principal, reason. */
export function findingVerification(result: VerificationResult): FindingVerification {
  switch (result.status) {
    case 'live':
      return {
        status: 'live',
        account: result.account,
        arn: result.arn,
        principal: result.principal,
      };
    case 'inactive':
      return { status: 'inactive', reason: result.code };
    case 'unknown':
      return {
        status: 'unknown',
        // A timeout says how long it really waited (the limit is --verify-timeout).
        reason:
          result.reason === 'timeout' && result.elapsedMs !== undefined
            ? `timeout after ${(result.elapsedMs / 1000).toFixed(1)} s`
            : (result.code ?? result.reason),
      };
    case 'skipped':
      return { status: 'skipped', reason: result.reason };
  }
}

function summary(v: FindingVerification) {
  return {
    status: v.status,
    ...(v.arn === undefined ? {} : { arn: v.arn }),
    ...(v.account === undefined ? {} : { account: v.account }),
    ...(v.reason === undefined ? {} : { code: v.reason }),
  };
}

/**
 * Gives every finding its assessed severity (canaries info, own accounts one level up, verified
 * keys by principal, inactive keys low) with the reason when it differs from the rule's, attaches
 * verification results, and moves findings of allowed accounts to `suppressed`
 * (`allowlist`, entry `account:<id>`). Pure: the outcome in, a new outcome out.
 */
export function assessFindings<T extends ScanOutcome>(outcome: T, options: AssessOptions): T {
  const findings: Finding[] = [];
  const suppressed: Suppression[] = [...outcome.suppressed];
  for (const f of outcome.findings) {
    const result = options.verification?.get(f.fingerprint);
    const verification = result === undefined ? undefined : findingVerification(result);
    const hasSessionToken = options.sessionTokens?.get(f.fingerprint);
    const assessed = assessSeverity(f, {
      today: options.today,
      ...(options.accounts === undefined ? {} : { accounts: options.accounts }),
      ...(verification === undefined ? {} : { verification: summary(verification) }),
      ...(hasSessionToken === undefined ? {} : { hasSessionToken }),
    });
    if (assessed.accountMatch?.list === 'allow') {
      suppressed.push({
        finding: f,
        reason: {
          by: 'allowlist',
          entry: `account:${assessed.accountMatch.entry.id}`,
          reason: assessed.accountMatch.entry.reason,
        },
      });
      continue;
    }
    const explain =
      assessed.severity !== f.severity ||
      assessed.accountMatch !== undefined ||
      verification?.status === 'live' ||
      verification?.status === 'inactive';
    findings.push({
      ...f,
      severity: assessed.severity,
      ...(verification === undefined ? {} : { verification }),
      ...(explain ? { severityReason: assessed.reason } : {}),
    });
  }
  return { ...outcome, findings, suppressed };
}
