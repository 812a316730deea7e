import { detectChunk } from '../engine/detect.js';
import { shannonEntropy } from '../engine/entropy.js';
import { EMPTY_ENGINE_ALLOWLIST } from '../model/config.js';
import type { Finding } from '../model/finding.js';
import type { CompiledPack, RulePackSpec } from '../model/rule.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../rules/builtin-pack.js';
import { compilePacks } from '../rules/compile-pack.js';
import { expandPlaceholders } from '../rules/expand-placeholders.js';
import { ContentReader } from '../sources/content-reader.js';
import { packByteFilter } from './create-scan-setup.js';

export interface ExampleFailure {
  /** `file#/rules/3/examples/match/1`. */
  readonly pointer: string;
  readonly message: string;
}

/** Rule ids a finding counts for: its own, and for a pair both parts. */
function idsOf(pack: CompiledPack, ruleId: string): string[] {
  const pair = pack.pairs.find((p) => p.id === ruleId);
  return pair === undefined ? [ruleId] : [ruleId, pair.keyId, pair.secret];
}

/**
 * Why a rule found nothing in an example, by the field to look at: its keywords (the reader
 * decodes only what holds one), its pattern, the value's entropy, or what the engine did after
 * the pattern matched. Never quotes the example's values (they are key-shaped).
 */
function missReason(
  pack: CompiledPack,
  id: string,
  text: string,
  findings: readonly Finding[],
): string {
  const pair = pack.pairs.find((p) => p.id === id);
  if (pair !== undefined) {
    const parts = [pair.keyId, pair.secret].filter(
      (part) => !findings.some((f) => idsOf(pack, f.ruleId).includes(part)),
    );
    return parts.length > 0
      ? `its part${parts.length === 1 ? '' : 's'} ${parts.map((p) => `'${p}'`).join(' and ')} found nothing (fields pairing.keyId, pairing.secret)`
      : `both parts matched but were not paired: they are further apart than pairing.withinLines (${pair.withinLines})${Number.isFinite(pair.withinChars) ? ` or pairing.withinChars (${pair.withinChars})` : ''}`;
  }
  const rule = pack.rules.find((r) => r.id === id);
  if (rule === undefined) return 'the rule is not enabled';
  const lower = text.toLowerCase();
  if (rule.keywords.length > 0 && !rule.keywords.some((k) => lower.includes(k.toLowerCase())))
    return `none of its keywords (${rule.keywords.join(', ')}) occurs in it (field keywords)`;
  if (rule.regex === undefined) return 'the rule has no pattern (field pattern)';
  const regex = new RegExp(rule.regex.source, rule.regex.flags.replace(/[gy]/g, ''));
  const m = regex.exec(text);
  if (m === null) return 'its pattern does not match it (field pattern)';
  const value = m[rule.secretGroup] ?? m[0];
  if (value === undefined)
    return `the pattern matched but group ${rule.secretGroup} did not take part (field secretGroup)`;
  const entropy = shannonEntropy(value);
  if (entropy < rule.minEntropy)
    return `the value's entropy ${entropy.toFixed(2)} is below minEntropy ${rule.minEntropy} (field minEntropy)`;
  if (rule.spec.minValueRun !== undefined && value.length < rule.spec.minValueRun)
    return `the value is shorter than minValueRun ${rule.spec.minValueRun} (field minValueRun)`;
  const allowed = findings.find((f) => f.ruleId === id && f.allowedBy !== undefined);
  if (allowed !== undefined)
    return `the value is allowlisted (${allowed.allowedBy?.entry ?? 'allowlist'}; field allowlist of the pack)`;
  return 'the pattern matched but the engine did not report it (fields labels, report)';
}

/** What a rule found in an example it must not match: where, and the redacted value. */
function hitReason(pack: CompiledPack, id: string, findings: readonly Finding[]): string {
  const f = findings.find((x) => x.allowedBy === undefined && idsOf(pack, x.ruleId).includes(id));
  if (f === undefined) return 'found';
  return `found ${f.redacted} at line ${f.location.line}, column ${f.location.column} (narrow the fields pattern, keywords or labels)`;
}

/**
 * Runs every rule's `examples.match` / `examples.noMatch` through the real reader and engine, with
 * every rule of the pack enabled, so a rule whose keywords or `minValueRun` would keep the reader
 * from ever decoding its matches fails here. Placeholders (`{{AKIA}}`, `{{SECRET}}`) expand to
 * seeded fake values.
 */
export function checkRuleExamples(spec: RulePackSpec, file: string): ExampleFailure[] {
  const sources =
    spec === BUILTIN_PACK
      ? [{ spec, file }]
      : [
          { spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE },
          { spec, file },
        ];
  const pack = compilePacks(sources, {
    enable: sources.flatMap((s) => s.spec.rules.map((r) => r.id)),
  });
  const failures: ExampleFailure[] = [];
  const reader = new ContentReader({ source: 'stdin', filter: packByteFilter(pack) });
  const scan = (text: string): Finding[] => {
    const findings: Finding[] = [];
    reader.readText(
      Buffer.from(text),
      { path: 'example' },
      {
        chunk: (c) => findings.push(...detectChunk(c, pack, EMPTY_ENGINE_ALLOWLIST)),
        skip: () => undefined,
        read: () => undefined,
      },
    );
    return findings;
  };
  let seed = 1;
  spec.rules.forEach((rule, i) => {
    for (const expect of ['match', 'noMatch'] as const) {
      rule.examples[expect].forEach((example, j) => {
        const text = expandPlaceholders(example, seed++);
        const findings = scan(text);
        const hit = findings.some(
          (f) => f.allowedBy === undefined && idsOf(pack, f.ruleId).includes(rule.id),
        );
        if (hit !== (expect === 'match')) {
          const why =
            expect === 'match'
              ? missReason(pack, rule.id, text, findings)
              : hitReason(pack, rule.id, findings);
          failures.push({
            pointer: `${file}#/rules/${i}/examples/${expect}/${j}`,
            message:
              expect === 'match'
                ? `rule '${rule.id}' did not match this example: ${why}`
                : `rule '${rule.id}' matched an example it must not match: ${why}`,
          });
        }
      });
    }
  });
  return failures;
}
