import { detectChunk } from '../../src/engine/detect.js';
import type { Chunk } from '../../src/model/chunk.js';
import { EMPTY_ENGINE_ALLOWLIST, type EngineAllowlist } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import { BUILTIN_PACK } from '../../src/rules/builtin-pack.js';
import { compilePacks } from '../../src/rules/compile-pack.js';
import { expandPlaceholdersWithValues } from '../../src/rules/expand-placeholders.js';

/** The built-in pack as the CLI compiles it by default. */
export const PACK = compilePacks([{ spec: BUILTIN_PACK, file: 'rules/aws.json' }]);

export interface Scanned {
  readonly text: string;
  /** Every generated raw value, for leak checks. */
  readonly values: readonly string[];
  readonly findings: Finding[];
  /** Findings not marked by an allowlist: what a person would see. */
  readonly reported: Finding[];
}

/** Expands placeholders in `template` (seeded) and scans it as one chunk. */
export function scanText(
  template: string,
  options: { seed?: number; chunk?: Partial<Chunk>; allow?: EngineAllowlist } = {},
): Scanned {
  const { text, values } = expandPlaceholdersWithValues(template, options.seed ?? 7);
  const chunk: Chunk = { source: 'tree', path: 'input.txt', text, ...options.chunk };
  const findings = detectChunk(chunk, PACK, options.allow ?? EMPTY_ENGINE_ALLOWLIST);
  return { text, values, findings, reported: findings.filter((f) => f.allowedBy === undefined) };
}

/** `ruleId@line:column` (and `~partnerLine`) for compact assertions. */
export function brief(f: Finding): string {
  const partner = f.partner === undefined ? '' : `~${f.partner.line}`;
  return `${f.ruleId}@${f.location.line}:${f.location.column}${partner}`;
}
