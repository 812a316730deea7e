import { resolve } from 'node:path';
import { checkRuleExamples } from '../../app/check-rule-examples.js';
import { KeyguardError } from '../../model/errors.js';
import { escapeControl } from '../../report/escape-control.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../../rules/builtin-pack.js';
import { loadRulePack } from '../../rules/load-pack.js';
import type { CommandIo } from '../command-io.js';
import { parseOptions } from '../parse-options.js';

const HELP = `Usage: keyguard rules <check|list> [files...]

  check <file...>   validate rule packs against the schema and run their examples
                    (exit 0: valid; 1: examples fail; 2: the file is not a valid pack)
  check --builtin   the same for the built-in AWS pack
  list              the built-in rules with kind, severity and whether they are on
`;

async function check(io: CommandIo, files: readonly string[], builtin: boolean): Promise<number> {
  if (files.length === 0 && !builtin)
    throw new KeyguardError(
      'USAGE',
      "'keyguard rules check' needs a rule-pack file (or --builtin)",
    );
  let failed = 0;
  const packs = builtin ? [{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }] : [];
  for (const file of files) packs.push({ spec: await loadRulePack(resolve(io.cwd, file)), file });
  for (const { spec, file } of packs) {
    const failures = checkRuleExamples(spec, file);
    failed += failures.length;
    for (const f of failures) io.stdout.write(`${escapeControl(`${f.pointer}: ${f.message}`)}\n`);
    const examples = spec.rules.reduce(
      (n, r) => n + r.examples.match.length + r.examples.noMatch.length,
      0,
    );
    io.stdout.write(
      `${file}: ${spec.rules.length} rules, ${examples} examples, ${failures.length === 0 ? 'all pass' : `${failures.length} failing`}\n`,
    );
  }
  return failed === 0 ? 0 : 1;
}

function list(io: CommandIo): number {
  for (const r of BUILTIN_PACK.rules) {
    const on = r.enabled === false ? 'off' : 'on ';
    io.stdout.write(
      `${r.id.padEnd(32)} ${r.kind.padEnd(14)} ${r.severity.padEnd(8)} ${on}  ${r.title}\n`,
    );
  }
  return 0;
}

export async function runRules(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    io.argv,
    { help: { type: 'boolean', short: 'h' }, builtin: { type: 'boolean' } },
    'rules',
  );
  const [sub, ...files] = positionals;
  if (values.help === true || sub === undefined) {
    io.stdout.write(HELP);
    return sub === undefined && values.help !== true ? 2 : 0;
  }
  if (sub === 'check') return check(io, files, values.builtin === true);
  if (sub === 'list') return list(io);
  throw new KeyguardError('USAGE', `unknown subcommand 'rules ${sub}' (check or list)`);
}
