import { KeyguardError } from '../model/errors.js';
import type { Baseline, BaselineEntry } from '../model/finding.js';
import { type NamedFile, parseJsonFile, parseJsonText } from '../schema/parse-json-file.js';

export const BASELINE_FILE_NAME = '.keyguard-baseline.json';

const HEX64 = /^[0-9a-f]{64}$/;

function entryOf(e: unknown, version: 1 | 2): BaselineEntry | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const r = e as Record<string, unknown>;
  if (typeof r.ruleId !== 'string' || typeof r.path !== 'string') return undefined;
  const hash =
    typeof r.secretHash === 'string' && HEX64.test(r.secretHash) ? r.secretHash : undefined;
  const hmac =
    typeof r.secretHmac === 'string' && HEX64.test(r.secretHmac) ? r.secretHmac : undefined;
  if ((hash === undefined) === (hmac === undefined)) return undefined;
  if (r.legacy !== undefined && (r.legacy !== true || hash === undefined)) return undefined;
  if (r.reason !== undefined && typeof r.reason !== 'string') return undefined;
  const base = {
    ruleId: r.ruleId,
    path: r.path,
    ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
  };
  if (hmac !== undefined) return version === 2 ? { ...base, secretHmac: hmac } : undefined;
  // A version 1 hash may be of a key ID: matched, never shown (see docs/baseline.md).
  return {
    ...base,
    secretHash: hash as string,
    ...(version === 1 || r.legacy === true ? { legacy: true } : {}),
  };
}

/**
 * Reads a baseline of accepted findings (rule + path + hash; no lines, no raw values): version 2
 * with its HMAC key, or version 1 (plain sha256 entries, still honoured until rewritten).
 * Messages name the file and the entry, never a value from it.
 */
export async function loadBaseline(file: string, named?: NamedFile): Promise<Baseline> {
  return baselineFromData(await parseJsonFile(file, 'BASELINE_INVALID', named), file);
}

/** The same checks for a baseline read elsewhere (a commit); `file` names it in errors. */
export function baselineFromText(text: string, file: string): Baseline {
  return baselineFromData(parseJsonText(text, file, 'BASELINE_INVALID'), file);
}

function baselineFromData(raw: unknown, file: string): Baseline {
  const data = raw as Record<string, unknown> | null;
  const version = data?.version;
  const entries = data?.entries;
  if ((version !== 1 && version !== 2) || !Array.isArray(entries)) {
    throw new KeyguardError(
      'BASELINE_INVALID',
      `${file}: not a keyguard baseline (expected {"version": 2, "key": …, "entries": [...]})`,
    );
  }
  const key = data?.key;
  if (version === 2 && (typeof key !== 'string' || !HEX64.test(key))) {
    throw new KeyguardError('BASELINE_INVALID', `${file}#/key: expected 64 hex characters`);
  }
  const parsed: BaselineEntry[] = [];
  for (const [i, e] of entries.entries()) {
    const entry = entryOf(e, version);
    if (entry === undefined) {
      throw new KeyguardError(
        'BASELINE_INVALID',
        version === 1
          ? `${file}#/entries/${i}: expected {ruleId, path, secretHash (64 hex)}`
          : `${file}#/entries/${i}: expected {ruleId, path} and one of secretHmac or secretHash (64 hex)`,
      );
    }
    parsed.push(entry);
  }
  return version === 2
    ? { version, key: key as string, entries: parsed }
    : { version, entries: parsed };
}
