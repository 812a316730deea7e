import { KeyguardError } from '../model/errors.js';
import type { BaselineEntry } from '../model/finding.js';
import { parseJsonFile, parseJsonText } from '../schema/parse-json-file.js';

export const BASELINE_FILE_NAME = '.keyguard-baseline.json';

function isEntry(e: unknown): e is BaselineEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return (
    typeof r.ruleId === 'string' &&
    typeof r.path === 'string' &&
    typeof r.secretHash === 'string' &&
    /^[0-9a-f]{64}$/.test(r.secretHash)
  );
}

/** Reads a baseline of accepted findings (rule + path + secret hash; no lines, no raw values). */
export async function loadBaseline(file: string): Promise<BaselineEntry[]> {
  return baselineFromData(await parseJsonFile(file, 'BASELINE_INVALID'), file);
}

/** The same checks for a baseline read elsewhere (a commit); `file` names it in errors. */
export function baselineFromText(text: string, file: string): BaselineEntry[] {
  return baselineFromData(parseJsonText(text, file, 'BASELINE_INVALID'), file);
}

function baselineFromData(data: unknown, file: string): BaselineEntry[] {
  const entries = (data as { entries?: unknown } | null)?.entries;
  if ((data as { version?: unknown } | null)?.version !== 1 || !Array.isArray(entries)) {
    throw new KeyguardError(
      'BASELINE_INVALID',
      `${file}: not a keyguard baseline (expected {"version": 1, "entries": [...]})`,
    );
  }
  const bad = entries.findIndex((e) => !isEntry(e));
  if (bad !== -1) {
    throw new KeyguardError(
      'BASELINE_INVALID',
      `${file}#/entries/${bad}: expected {ruleId, path, secretHash (64 hex)}`,
    );
  }
  return entries as BaselineEntry[];
}
