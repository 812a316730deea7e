import { SEVERITIES, type Severity } from './finding.js';
import type { ScanOutcome } from './outcome.js';

/**
 * Why a scan ended with its exit code:
 * - `incomplete`: content was left unread and the user did not accept a partial scan (exit 2);
 * - `findings`: findings at or above `--fail-on` (exit 1);
 * - `stale`: `--fail-on-stale` and baseline entries that match nothing any more (exit 1);
 * - `below-gate`: findings, all below `--fail-on` (exit 0);
 * - `clean`: nothing to report (exit 0).
 */
export type VerdictReason = 'incomplete' | 'findings' | 'stale' | 'below-gate' | 'clean';

/** What the user asked the exit code to depend on. */
export interface Gate {
  readonly failOn: Severity;
  readonly failOnStale: boolean;
}

/**
 * The one decision every report and the exit code follow: a headline can only say what this
 * says, so a red cross never comes with exit 0 nor a green tick with exit 1 or 2.
 */
export interface Verdict {
  readonly exitCode: 0 | 1 | 2;
  readonly reason: VerdictReason;
  readonly failOn: Severity;
  /** Findings at or above `failOn`. */
  readonly failing: number;
  /** Findings below `failOn` (reported, not failing). */
  readonly belowGate: number;
  /** Stale baseline entries, and whether they fail the scan. */
  readonly stale: number;
  readonly staleFails: boolean;
  /** A partial scan the user accepted: what was read is vouched for, the rest is not. */
  readonly partial: boolean;
}

/** The default gate: every credential and key ID fails, `info` never does. */
export const DEFAULT_GATE: Gate = { failOn: 'low', failOnStale: false };

/** Whether a finding of `severity` fails a `failOn` gate. */
export function failsAt(severity: Severity, failOn: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

/** The verdict for an outcome under a gate (the app decides it once per scan: see app/scan.ts). */
export function decideVerdict(outcome: ScanOutcome, gate: Gate): Verdict {
  const failing = outcome.findings.filter((f) => failsAt(f.severity, gate.failOn)).length;
  const stale = outcome.staleBaseline?.length ?? 0;
  const inc = outcome.incomplete;
  const staleFails = gate.failOnStale && stale > 0;
  const reason: VerdictReason =
    inc !== undefined && !inc.accepted
      ? 'incomplete'
      : failing > 0
        ? 'findings'
        : staleFails
          ? 'stale'
          : outcome.findings.length > 0
            ? 'below-gate'
            : 'clean';
  return {
    exitCode: reason === 'incomplete' ? 2 : reason === 'findings' || reason === 'stale' ? 1 : 0,
    reason,
    failOn: gate.failOn,
    failing,
    belowGate: outcome.findings.length - failing,
    stale,
    staleFails,
    partial: inc?.accepted === true,
  };
}
