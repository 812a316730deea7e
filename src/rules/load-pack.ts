import { KeyguardError } from '../model/errors.js';
import type { RulePackSpec } from '../model/rule.js';
import { parseJsonFile } from '../schema/parse-json-file.js';
import { validateJson } from '../schema/validate-json.js';
import { validate } from '../schema/validate-rule-pack.generated.js';

function regexProblem(source: string | undefined, flags: string): string | undefined {
  if (source === undefined) return undefined;
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Problems the schema cannot see: duplicate ids and regexes that do not compile. All at once. */
function semanticProblems(spec: RulePackSpec, file: string): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  spec.rules.forEach((rule, i) => {
    const at = `${file}#/rules/${i}`;
    if (ids.has(rule.id)) problems.push(`${at}/id: duplicate rule id '${rule.id}'`);
    ids.add(rule.id);
    const checks: [string, string | undefined, string][] = [
      ['pattern', rule.pattern, 'dg'],
      ['labels/strong', rule.labels?.strong, ''],
      ['labels/weak', rule.labels?.weak, ''],
      ['labels/context', rule.labels?.context, 'i'],
      ['labels/carrier', rule.labels?.carrier, ''],
    ];
    for (const [field, source, flags] of checks) {
      const problem = regexProblem(source, flags);
      if (problem !== undefined)
        problems.push(`${at}/${field}: invalid regular expression: ${problem}`);
    }
  });
  spec.allowlist?.valuePatterns?.forEach((p, i) => {
    const problem = regexProblem(p.pattern, '');
    if (problem !== undefined) {
      problems.push(
        `${file}#/allowlist/valuePatterns/${i}/pattern: invalid regular expression: ${problem}`,
      );
    }
  });
  return problems;
}

/** Reads a user rule pack and validates it (schema, ids, regexes), reporting every error at once. */
export async function loadRulePack(file: string): Promise<RulePackSpec> {
  const data = await parseJsonFile(file, 'RULE_PACK_INVALID');
  const spec = validateJson<RulePackSpec>(data, validate, file, 'RULE_PACK_INVALID', 'rule pack');
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
