import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createScanSetup } from '../../app/create-scan-setup.js';
import { scan } from '../../app/scan.js';
import { BASELINE_FILE_NAME, loadBaseline } from '../../config/load-baseline.js';
import { baselineHashing, legacyTokens } from '../../filters/baseline-hashing.js';
import {
  BASELINE_VERSION,
  baselineEntries,
  baselineReasons,
  formatBaseline,
} from '../../filters/format-baseline.js';
import { KeyguardError } from '../../model/errors.js';
import type { Baseline, BaselineEntry } from '../../model/finding.js';
import { escapeControl } from '../../report/escape-control.js';
import { writeReportFile } from '../../report/write-report-file.js';
import type { CommandIo } from '../command-io.js';
import { scanOptionsFrom } from '../execute-scan.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { SCAN_OPTIONS } from '../scan-options.js';
import { configRoot, coveredBy, requireInside } from './tree.js';

const HELP = `Usage: keyguard baseline [paths...] [options]

Accept the findings that exist today: scan like 'keyguard tree' (same paths and flags) and write
every finding to the baseline (default .keyguard-baseline.json at the repository root, or the
config's "baseline", or --output). Entries are rule + path + a hash of the value: sha256 for
secrets and tokens, an HMAC under the file's own random key for key IDs and other guessable
values; no line numbers, no raw values, one per line, sorted. Later scans suppress them even after
lines move, report any new secret, and list entries that match nothing any more as stale
(--fail-on-stale fails on them). With paths, entries for files outside those paths are kept as
they are. A version 1 baseline is rewritten in the current form.

Options:
  -c, --config <file>       configuration file (default: .keyguard.json at the repository root)
      --rules <file>        add a rule pack (repeatable)
  -o, --output <file>       write the baseline here (default: see above)
      --baseline <file>     the same as --output
      --max-file-size <n>   skip larger files (a skipped file makes the scan incomplete:
                            the baseline is not written unless --allow-partial)
      --allow-partial       write the baseline from an incomplete scan
  -j, --jobs <n>            threads for large tree scans (default and most: one per core)
      --no-other-markers    honour only keyguard:allow, not other scanners' inline markers
  -h, --help                this help
`;

/** The scan flags that apply to writing a baseline (no report format, gate or verification). */
export const BASELINE_OPTIONS = {
  config: SCAN_OPTIONS.config,
  rules: SCAN_OPTIONS.rules,
  output: SCAN_OPTIONS.output,
  baseline: SCAN_OPTIONS.baseline,
  'max-file-size': SCAN_OPTIONS['max-file-size'],
  'allow-partial': SCAN_OPTIONS['allow-partial'],
  jobs: SCAN_OPTIONS.jobs,
  'no-other-markers': SCAN_OPTIONS['no-other-markers'],
  help: SCAN_OPTIONS.help,
} as const;

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `keyguard baseline`: writes the accepted-findings file adoption starts from. */
export async function runBaseline(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, BASELINE_OPTIONS, 'baseline');
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const root = await configRoot(io, positionals[0]);
  await requireInside(io, root, 'baseline');
  const covers = coveredBy(io, root, positionals);
  const options = {
    ...(await scanOptionsFrom(io, values, { root })),
    baseline: { kind: 'none' },
  } as const;
  // The config names the baseline file, and the file holds the key: both before the scan.
  const setup = await createScanSetup({
    root,
    today: io.today,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.rulePacks === undefined ? {} : { rulePacks: options.rulePacks }),
  });
  const flag = stringOption(values, 'output') ?? stringOption(values, 'baseline');
  const target =
    flag !== undefined
      ? resolve(io.cwd, flag)
      : (setup.config.baseline ?? join(root, BASELINE_FILE_NAME));
  const shown = relative(io.cwd, target) || target;
  const previous: Baseline | undefined = existsSync(target)
    ? await loadBaseline(target)
    : undefined;
  // A new file gets a new random key; an existing one keeps its key, so its entries stay valid.
  const key = previous?.key ?? randomBytes(32).toString('hex');
  const { outcome: result } = await scan(
    { mode: 'tree', cwd: io.cwd, paths: positionals },
    // Old plain hashes are recognised, so a migrated entry counts as kept, not as added.
    { ...options, setup, hashing: baselineHashing(previous, key) },
  );
  for (const w of result.warnings)
    io.stderr.write(`keyguard: warning: ${escapeControl(w.message)}\n`);
  // Accepting today's findings from a scan that did not read everything would accept blindly.
  if (result.incomplete !== undefined && !result.incomplete.accepted) {
    throw new KeyguardError(
      'IO',
      `incomplete scan: ${result.incomplete.unread} item(s) could not be read (see keyguard tree --verbose); the baseline was not written (--allow-partial writes it anyway)`,
    );
  }
  const old = previous?.entries ?? [];
  const outside = old.filter((e) => !covers(e.path));
  const entries = baselineEntries(result.findings, outside, baselineReasons(old));
  // What each finding matched in the old file: the same entry, or its plain-hash form.
  const hashOfToken = new Map([...legacyTokens(old)].map(([hash, token]) => [token, hash]));
  const entryId = (e: BaselineEntry) =>
    `${e.ruleId}\n${e.path}\n${e.secretHmac === undefined ? `sha256:${e.secretHash}` : `hmac:${e.secretHmac}`}`;
  const oldIds = new Set(old.map(entryId));
  const matched = new Set<string>(outside.map(entryId));
  let added = 0;
  for (const f of result.findings) {
    const at = { ruleId: f.ruleId, path: f.location.path };
    const ids = [
      f.secretHmac === undefined ? undefined : entryId({ ...at, secretHmac: f.secretHmac }),
      f.secretHash === undefined ? undefined : entryId({ ...at, secretHash: f.secretHash }),
      f.legacyRef === undefined || !hashOfToken.has(f.legacyRef)
        ? undefined
        : entryId({ ...at, secretHash: hashOfToken.get(f.legacyRef) as string }),
    ].filter((id): id is string => id !== undefined && oldIds.has(id));
    if (ids.length === 0) added++;
    for (const id of ids) matched.add(id);
  }
  const removed = old.filter((e) => !matched.has(entryId(e))).length;
  // A folder of the repository that is a link out of it (a hostile clone's) is not written through.
  // A file the config names must stay in the repository; one the user named on the command line
  // is theirs to place.
  writeReportFile(target, formatBaseline(entries, key), {
    label: `the baseline ${shown}`,
    within: root,
    insideOnly: flag === undefined,
  });
  if (previous !== undefined && previous.version === 1) {
    const kept = outside.length;
    io.stderr.write(
      `keyguard: migrated ${shown} from version 1 to ${BASELINE_VERSION}: key IDs and other guessable values are now hashed with the file's own random key${kept === 0 ? '' : `; ${plural(kept, 'entry', 'entries')} outside the scanned paths keep their old form until a full 'keyguard baseline'`}\n`,
    );
  }
  io.stderr.write(
    `keyguard: wrote ${plural(entries.length, 'entry', 'entries')} to ${shown} (${added} added, ${removed} removed; ${plural(result.stats.files, 'file')} scanned)\n`,
  );
  return 0;
}
