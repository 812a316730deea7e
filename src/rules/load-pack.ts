import { KeyguardError } from '../model/errors.js';
import type { RulePackSpec } from '../model/rule.js';
import { type NamedFile, parseJsonFile, parseJsonText } from '../schema/parse-json-file.js';
import { userRegexProblem } from '../schema/user-regex.js';
import { loadUserRegexEngine } from '../schema/user-regex-engine.js';
import { validateJson } from '../schema/validate-json.js';
import { validate } from '../schema/validate-rule-pack.generated.js';
import { isBuiltinPack } from './builtin-pack.js';

function regexProblem(
  source: string | undefined,
  flags: string,
  builtin: boolean,
): string | undefined {
  if (source === undefined) return undefined;
  if (!builtin) return userRegexProblem(source, flags);
  try {
    new RegExp(source, flags);
    return undefined;
  } catch {
    return 'invalid regular expression';
  }
}

/**
 * Problems the schema cannot see: duplicate ids and regexes that do not compile. All at once, each
 * named by its JSON pointer; values are never quoted (a pack may hold a secret where it should not).
 */
function semanticProblems(spec: RulePackSpec, file: string): string[] {
  const problems: string[] = [];
  const builtin = isBuiltinPack(spec);
  const ids = new Map<string, number>();
  spec.rules.forEach((rule, i) => {
    const at = `${file}#/rules/${i}`;
    const first = ids.get(rule.id);
    if (first !== undefined) problems.push(`${at}/id: duplicate rule id (as /rules/${first}/id)`);
    else ids.set(rule.id, i);
    const checks: [string, string | undefined, string][] = [
      ['pattern', rule.pattern, 'dg'],
      ['labels/strong', rule.labels?.strong, ''],
      ['labels/weak', rule.labels?.weak, ''],
      ['labels/context', rule.labels?.context, 'i'],
      ['labels/carrier', rule.labels?.carrier, ''],
    ];
    for (const [field, source, flags] of checks) {
      const problem = regexProblem(source, flags, builtin);
      if (problem !== undefined) problems.push(`${at}/${field}: ${problem}`);
    }
  });
  spec.allowlist?.valuePatterns?.forEach((p, i) => {
    const problem = regexProblem(p.pattern, '', builtin);
    if (problem !== undefined) {
      problems.push(`${file}#/allowlist/valuePatterns/${i}/pattern: ${problem}`);
    }
  });
  return problems;
}

/** Reads a user rule pack and validates it (schema, ids, regexes), reporting every error at once. */
export async function loadRulePack(file: string, named?: NamedFile): Promise<RulePackSpec> {
  return rulePackFromData(await parseJsonFile(file, 'RULE_PACK_INVALID', named), file);
}

/** The same validation for a rule pack read elsewhere (a commit); `file` names it in errors. */
export async function rulePackFromText(text: string, file: string): Promise<RulePackSpec> {
  return rulePackFromData(parseJsonText(text, file, 'RULE_PACK_INVALID'), file);
}

async function rulePackFromData(data: unknown, file: string): Promise<RulePackSpec> {
  const spec = validateJson<RulePackSpec>(data, validate, file, 'RULE_PACK_INVALID', 'rule pack');
  // A user pack's patterns run on the linear-time engine (compilePacks).
  await loadUserRegexEngine();
  const problems = semanticProblems(spec, file);
  if (problems.length > 0) {
    const n = problems.length;
    throw new KeyguardError(
      'RULE_PACK_INVALID',
      `${file}: invalid rule pack (${n} error${n === 1 ? '' : 's'})`,
      {
        details: problems,
      },
    );
  }
  return spec;
}
