import type { EngineHashing } from '../model/config.js';
import type { Baseline, BaselineEntry } from '../model/finding.js';

/**
 * Plain sha256 hashes of a baseline's entries, each with an opaque token (`legacy:<n>`). The
 * engine hands a guessable value's token, never its plain hash, to the filter that matches it.
 */
export function legacyTokens(entries: readonly BaselineEntry[]): Map<string, string> {
  const tokens = new Map<string, string>();
  for (const e of entries) {
    if (e.secretHash !== undefined && !tokens.has(e.secretHash))
      tokens.set(e.secretHash, `legacy:${tokens.size}`);
  }
  return tokens;
}

/** How a scan hashes values against a baseline: its key (or `key`, for a new one) and old hashes. */
export function baselineHashing(baseline: Baseline | undefined, key?: string): EngineHashing {
  const legacy =
    baseline === undefined ? new Map<string, string>() : legacyTokens(baseline.entries);
  const k = key ?? baseline?.key;
  return { ...(k === undefined ? {} : { key: k }), ...(legacy.size === 0 ? {} : { legacy }) };
}
