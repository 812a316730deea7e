import type { Finding, Suppression } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';

/**
 * `--only-verified`: keeps the findings `--verify` found live, and those it could not settle
 * (`unknown`: a timeout, the network, throttling), because a gate that could not ask AWS must not
 * pass on that account. Everything else (inactive keys, skipped ones, findings with nothing to
 * verify such as a lone key ID) moves to `suppressed` as `unverified`, so `--verbose`, the JSON
 * report and the summary still count it. Pure: the outcome in, a new outcome out.
 */
export function keepVerified<T extends ScanOutcome>(outcome: T): T {
  const findings: Finding[] = [];
  const suppressed: Suppression[] = [...outcome.suppressed];
  for (const f of outcome.findings) {
    const status = f.verification?.status;
    if (status === 'live' || status === 'unknown') {
      findings.push(f);
      continue;
    }
    suppressed.push({
      finding: f,
      reason: {
        by: 'unverified',
        entry: `verification:${status ?? 'none'}`,
        reason:
          status === undefined
            ? '--only-verified: nothing to verify (no key pair)'
            : `--only-verified: ${status === 'inactive' ? 'not live' : 'not checked'} (${f.verification?.reason ?? status})`,
      },
    });
  }
  return { ...outcome, findings, suppressed };
}
