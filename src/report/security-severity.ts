import type { Severity } from '../model/finding.js';

/**
 * GitHub code scanning's `security-severity` score per keyguard severity. GitHub buckets scores
 * as critical (> 9.0), high (7.0–8.9), medium (4.0–6.9) and low (0.1–3.9); each value sits inside
 * the bucket of the same name (docs/github-action.md).
 */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};
