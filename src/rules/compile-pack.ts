import { KeyguardError } from '../model/errors.js';
import type { FindingKind } from '../model/finding.js';
import type {
  CompiledPack,
  CompiledPair,
  CompiledRule,
  RuleKind,
  RuleOrigin,
  RulePackSpec,
  RuleSpec,
} from '../model/rule.js';
import { compileUserRegex } from '../schema/user-regex.js';
import { isBuiltinPack } from './builtin-pack.js';

const FINDING_KIND: Readonly<Record<RuleKind, FindingKind>> = {
  'key-id': 'access-key-id',
  secret: 'secret-access-key',
  'session-token': 'session-token',
  identifier: 'identifier',
  pair: 'credential-pair',
};

export interface CompileOptions {
  /** Rule ids to turn on even when the pack says `enabled: false`. */
  readonly enable?: readonly string[];
  readonly disable?: readonly string[];
  /** The config file `enable` and `disable` come from (enableRules, disableRules), for messages. */
  readonly configFile?: string;
}

/** A parsed pack and the file it came from (for error messages). */
export interface PackSource {
  readonly spec: RulePackSpec;
  /** File name for error messages. */
  readonly file: string;
}

/**
 * The shipped pack's patterns run on V8's engine at full speed (they are ours, tested, and use
 * lookbehind); every other pack's run on the linear-time engine, so a hostile pattern cannot
 * stall a scan (its loader has loaded that engine).
 */
function compileRegex(source: string, flags: string, where: string, builtin: boolean): RegExp {
  return builtin
    ? new RegExp(source, flags)
    : compileUserRegex(source, flags, where, 'RULE_PACK_INVALID');
}

function compileRule(rule: RuleSpec, where: string, builtin: boolean): CompiledRule {
  const labels = rule.labels;
  return {
    spec: rule,
    id: rule.id,
    kind: rule.kind,
    findingKind: FINDING_KIND[rule.kind],
    ...(rule.pattern === undefined
      ? {}
      : { regex: compileRegex(rule.pattern, 'dg', `${where}/pattern`, builtin) }),
    secretGroup: rule.secretGroup ?? 1,
    keywords: rule.keywords ?? [],
    minEntropy: rule.minEntropy ?? 0,
    report: rule.report ?? 'always',
    ...(labels === undefined
      ? {}
      : {
          labels: {
            strong: compileRegex(labels.strong, '', `${where}/labels/strong`, builtin),
            ...(labels.weak === undefined
              ? {}
              : { weak: compileRegex(labels.weak, '', `${where}/labels/weak`, builtin) }),
            ...(labels.context === undefined
              ? {}
              : { context: compileRegex(labels.context, 'i', `${where}/labels/context`, builtin) }),
            contextLines: labels.contextLines ?? 3,
            ...(labels.carrier === undefined
              ? {}
              : { carrier: compileRegex(labels.carrier, '', `${where}/labels/carrier`, builtin) }),
          },
        }),
  };
}

/** Turns validated pack files into the engine's form; later packs add rules, never replace them. */
export function compilePacks(
  sources: readonly PackSource[],
  options: CompileOptions = {},
): CompiledPack {
  const enable = new Set(options.enable ?? []);
  const disable = new Set(options.disable ?? []);
  const byId = new Map<string, RuleSpec>();
  const origins = new Map<string, RuleOrigin>();
  /** Where each id was defined (`file#/rules/i`), for messages that must not quote the id. */
  const definedAt = new Map<string, string>();
  const rules: CompiledRule[] = [];
  const pairs: CompiledPair[] = [];
  const values = new Map<string, string>();
  const patterns: { regex: RegExp; reason: string; entry: string }[] = [];
  for (const { spec, file } of sources) {
    const builtin = isBuiltinPack(spec);
    spec.rules.forEach((rule, i) => {
      const where = `${file}#/rules/${i}`;
      const first = definedAt.get(rule.id);
      if (first !== undefined) {
        throw new KeyguardError(
          'RULE_PACK_INVALID',
          `${where}/id: duplicate rule id (as ${first}/id)`,
        );
      }
      byId.set(rule.id, rule);
      origins.set(rule.id, { pack: spec.name, builtin });
      definedAt.set(rule.id, where);
      const on = !disable.has(rule.id) && (rule.enabled !== false || enable.has(rule.id));
      if (!on) return;
      if (rule.kind === 'pair') {
        const p = rule.pairing;
        if (p === undefined)
          throw new KeyguardError('RULE_PACK_INVALID', `${where}: pair rule without pairing`);
        pairs.push({
          spec: rule,
          id: rule.id,
          keyId: p.keyId,
          secret: p.secret,
          withinLines: p.withinLines,
          withinChars: p.withinChars ?? Number.POSITIVE_INFINITY,
        });
      } else {
        rules.push(compileRule(rule, where, builtin));
      }
    });
    for (const v of spec.allowlist?.values ?? []) values.set(v.value, v.reason);
    spec.allowlist?.valuePatterns?.forEach((p, i) => {
      patterns.push({
        regex: compileRegex(
          p.pattern,
          '',
          `${file}#/allowlist/valuePatterns/${i}/pattern`,
          builtin,
        ),
        reason: p.reason,
        entry: `pattern:${p.pattern}`,
      });
    });
  }
  for (const pair of pairs) {
    for (const part of ['keyId', 'secret'] as const) {
      if (!byId.has(pair[part])) {
        throw new KeyguardError(
          'RULE_PACK_INVALID',
          `${definedAt.get(pair.id) ?? pair.id}/pairing/${part}: no rule has this id`,
        );
      }
    }
  }
  const config = options.configFile ?? 'configuration';
  for (const [list, ids] of [
    ['enableRules', options.enable ?? []],
    ['disableRules', options.disable ?? []],
  ] as const) {
    ids.forEach((id, i) => {
      if (!byId.has(id))
        throw new KeyguardError('CONFIG_INVALID', `${config}#/${list}/${i}: no rule has this id`);
    });
  }
  return {
    names: sources.map((s) => s.spec.name),
    origins,
    rules,
    pairs,
    byId,
    builtinAllow: { values, patterns },
  };
}
