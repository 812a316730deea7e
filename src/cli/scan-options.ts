import type { ParseArgsConfig } from 'node:util';
import { COLOR_OPTIONS, COLOR_OPTIONS_HELP } from './color-choice.js';

/** Flags every scanning command shares. */
export const SCAN_OPTIONS = {
  config: { type: 'string', short: 'c' },
  rules: { type: 'string', multiple: true },
  format: { type: 'string', short: 'f' },
  template: { type: 'string' },
  output: { type: 'string', short: 'o' },
  verbose: { type: 'boolean', short: 'v' },
  'fail-on': { type: 'string' },
  'max-file-size': { type: 'string' },
  'allow-partial': { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  baseline: { type: 'string' },
  'no-baseline': { type: 'boolean' },
  'fail-on-stale': { type: 'boolean' },
  'no-other-markers': { type: 'boolean' },
  verify: { type: 'boolean' },
  'only-verified': { type: 'boolean' },
  'verify-timeout': { type: 'string' },
  'verify-concurrency': { type: 'string' },
  ...COLOR_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const SCAN_OPTIONS_HELP = `Options:
  -c, --config <file>       configuration file (default: .keyguard.json at the repository root)
      --rules <file>        add a rule pack (repeatable)
  -f, --format <name>       human (default), json, sarif, github (annotations), markdown
                            (step summary), gitlab (secret-detection report), csv, junit
                            (JUnit XML for CI test reports), template (with --template)
      --template <file>     write the report from your template ({{path}}, {{#findings}}…)
  -o, --output <file>       write the report to a file (a summary still goes to stderr)
  -v, --verbose             list suppressed findings and skipped files
      --fail-on <severity>  lowest severity that fails: critical, high, medium, low (default), info
      --max-file-size <n>   skip larger files (default: no limit; a skipped file makes the
                            scan incomplete, exit 2, unless --allow-partial)
      --allow-partial       accept an incomplete scan (files that could not be read, archive
                            limits, a shallow clone): the exit code then follows the findings,
                            and every report says what was not read (config: "allowPartial")
  -j, --jobs <n>            threads for large tree scans (default and most: one per core; 1 = no workers)
      --baseline <file>     accepted findings (default: .keyguard-baseline.json when present)
      --no-baseline         ignore any baseline
      --fail-on-stale       exit 1 when baseline entries match nothing any more
      --no-other-markers    honour only keyguard:allow, not other scanners' inline markers
                            (gitleaks:allow, pragma: allowlist secret, trufflehog:ignore,
                            nosec, ggignore, secretlint-disable-line) (config: "otherMarkers")
      --verify              ask AWS (STS GetCallerIdentity) whether each key pair found is live
                            and whose it is. Opt-in: it is an authenticated call made with the
                            found key, and it shows in the key owner's CloudTrail. Canary keys
                            are never sent. Runs on one thread.
      --only-verified       with --verify (implied): report only keys STS says are live, and
                            those it could not settle (timeout, network: kept, fail closed);
                            the rest are counted as suppressed. Exit 1 only for those.
      --verify-timeout <d>  give up on one STS call after this long (default 10s; 500ms, 5s, 1m)
      --verify-concurrency <n>
                            STS calls in flight at once (default 4, 1 to 32)
${COLOR_OPTIONS_HELP}
  -h, --help                this help`;
