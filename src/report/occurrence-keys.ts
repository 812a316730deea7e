import type { Finding } from '../model/finding.js';

/**
 * A stable identity per finding: its content fingerprint (rule + path + secret hash, no line
 * numbers) plus the occurrence index of that fingerprint in report order. The same secret twice in
 * one file stays two alerts, and moving lines does not change any key.
 */
export function occurrenceKeys(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const n = seen.get(f.fingerprint) ?? 0;
    seen.set(f.fingerprint, n + 1);
    return `${f.fingerprint}:${n}`;
  });
}
