import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { scan } from '../../app/scan.js';
import { BASELINE_FILE_NAME, loadBaseline } from '../../config/load-baseline.js';
import { baselineEntries, formatBaseline } from '../../filters/format-baseline.js';
import { KeyguardError } from '../../model/errors.js';
import type { BaselineEntry } from '../../model/finding.js';
import { escapeControl } from '../../report/escape-control.js';
import { writeReportFile } from '../../report/write-report-file.js';
import type { CommandIo } from '../command-io.js';
import { scanOptionsFrom } from '../execute-scan.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';
import { configRoot, coveredBy } from './tree.js';

const HELP = `Usage: keyguard baseline [paths...] [options]

Accept the findings that exist today: scan like 'keyguard tree' (same paths and flags) and write
every finding to the baseline (default .keyguard-baseline.json at the repository root, or the
config's "baseline", or --output). Entries are rule + path + sha256 of the secret: no line numbers,
no raw values, one per line, sorted. Later scans suppress them even after lines move, report any
new secret, and list entries that match nothing any more as stale (--fail-on-stale fails on them).
With paths, entries for files outside those paths are kept as they are.

${SCAN_OPTIONS_HELP}
`;

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `keyguard baseline`: writes the accepted-findings file adoption starts from. */
export async function runBaseline(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, SCAN_OPTIONS, 'baseline');
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  if (stringOption(values, 'format') !== undefined)
    throw new KeyguardError('USAGE', "option '--format' does not apply to 'keyguard baseline'");
  const root = await configRoot(io, positionals[0]);
  const covers = coveredBy(io, root, positionals);
  const { setup, outcome: result } = await scan(
    { mode: 'tree', cwd: io.cwd, paths: positionals },
    { ...scanOptionsFrom(io, values, { root }), baseline: { kind: 'none' } },
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
  const flag = stringOption(values, 'output') ?? stringOption(values, 'baseline');
  const target =
    flag !== undefined
      ? resolve(io.cwd, flag)
      : (setup.config.baseline ?? join(root, BASELINE_FILE_NAME));
  const previous: BaselineEntry[] = existsSync(target) ? await loadBaseline(target) : [];
  const outside = previous.filter((e) => !covers(e.path));
  const entries = baselineEntries(result.findings, outside);
  const key = (e: BaselineEntry) => `${e.ruleId}\n${e.path}\n${e.secretHash}`;
  const before = new Set(previous.map(key));
  const after = new Set(entries.map(key));
  const added = entries.filter((e) => !before.has(key(e))).length;
  const removed = previous.filter((e) => !after.has(key(e))).length;
  writeReportFile(target, formatBaseline(entries), {
    label: `the baseline ${relative(io.cwd, target) || target}`,
  });
  io.stderr.write(
    `keyguard: wrote ${plural(entries.length, 'entry', 'entries')} to ${relative(io.cwd, target) || target} (${added} added, ${removed} removed; ${plural(result.stats.files, 'file')} scanned)\n`,
  );
  return 0;
}
