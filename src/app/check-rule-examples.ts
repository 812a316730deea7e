import { detectChunk } from '../engine/detect.js';
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
          failures.push({
            pointer: `${file}#/rules/${i}/examples/${expect}/${j}`,
            message:
              expect === 'match'
                ? `rule '${rule.id}' did not match this example`
                : `rule '${rule.id}' matched an example it must not match`,
          });
        }
      });
    }
  });
  return failures;
}
