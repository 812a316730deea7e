import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createScanSetup } from '../../app/create-scan-setup.js';
import { scan } from '../../app/scan.js';
import { BASELINE_FILE_NAME, loadBaseline } from '../../config/load-baseline.js';
import { CONFIG_FILE_NAME } from '../../config/load-config.js';
import { baselineHashing } from '../../filters/baseline-hashing.js';
import { acceptedEntry, baselineEntries, formatBaseline } from '../../filters/format-baseline.js';
import { KeyguardError } from '../../model/errors.js';
import type { Baseline, BaselineEntry, Finding } from '../../model/finding.js';
import { escapeControl } from '../../report/escape-control.js';
import { locationText } from '../../report/location-text.js';
import { writeReportFile } from '../../report/write-report-file.js';
import { parseJsonFile } from '../../schema/parse-json-file.js';
import type { CommandIo } from '../command-io.js';
import { scanOptionsFrom } from '../execute-scan.js';
import { listOption, parseOptions, stringOption } from '../parse-options.js';
import { lineReader } from '../read-lines.js';
import { configRoot, requireInside } from './tree.js';

const HELP = `Usage: keyguard audit [paths...] [options]

Triage today's findings one by one, the way 'detect-secrets audit' does. It scans like
'keyguard tree' (findings already in the baseline or allowlisted are not shown), then, in a
terminal, shows each finding with its redacted context (never the value) and asks:

  r  real            leave it failing (rotate the key); an optional note is shown at the end
  f  false positive  an allowlist entry with your reason in the config (.keyguard.json):
                     allowlist.secrets (the value's sha256) for secrets and tokens; a key ID or
                     other guessable value has no shareable hash, so it goes to the baseline
  b  baseline        accept it into the baseline (.keyguard-baseline.json) with your reason
  s  skip            decide later
  q  quit            stop here, saving what was decided (end of input does the same)

Without a terminal it does not prompt: it exits 2 and names the flags for scripts:

      --list                 print the findings as JSON lines (fingerprint, ruleId, severity,
                             path, line, column, redacted, lineText), change nothing
      --mark <fp>=<verdict>  mark the findings with fingerprint <fp> (from --list): real,
                             false-positive or baseline (repeatable)
      --reason <text>        the reason written with every --mark (required for
                             false-positive and baseline)
  -c, --config <file>        the config to read and to write allowlist entries to
                             (default: .keyguard.json at the repository root)
      --baseline <file>      the baseline to read and write (default: the config's
                             "baseline", or .keyguard-baseline.json)
      --rules <file>         add a rule pack (repeatable)
      --allow-partial        audit what could be read when part of the tree could not be
  -h, --help                 this help

Exit 0 when the marks were saved (or --list printed), 2 on an error. Not to be confused with
'keyguard audit-aws-config', which audits the AWS credential files of this machine.

Examples:
  keyguard audit                              # in a terminal
  keyguard audit --list
  keyguard audit --mark 3f2a…=false-positive --reason "test fixture, not a key"
`;

type Verdict = 'real' | 'false-positive' | 'baseline';

interface Decision {
  readonly verdict: Verdict;
  readonly reason?: string;
}

const VERDICTS: Readonly<Record<string, Verdict>> = {
  real: 'real',
  'false-positive': 'false-positive',
  baseline: 'baseline',
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * A reason as it will be stored: one line of text (control characters, which could redraw a
 * terminal wherever the reason is shown later, become spaces), trimmed, bounded; never empty.
 */
function cleanReason(text: string): string | undefined {
  const one = text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  if (one === '') return undefined;
  return one.length > 500 ? one.slice(0, 500) : one;
}

function where(f: Finding): string {
  return escapeControl(locationText(f.location));
}

/** What the terminal shows of a finding: nothing raw, every name and line escaped. */
function describe(f: Finding, n: number, total: number): string {
  const partner =
    f.partner === undefined
      ? ''
      : `  paired with ${escapeControl(f.partnerRedacted ?? '')} at ${escapeControl(locationText(f.partner, 'line'))}\n`;
  return `\nfinding ${n} of ${total}: ${f.severity.toUpperCase()} ${escapeControl(f.title)} [${escapeControl(f.ruleId)}]
  ${where(f)}
  │ ${escapeControl(f.lineText)}
${partner}  fingerprint ${f.fingerprint}
`;
}

interface Written {
  readonly allowlisted: number;
  readonly baselined: number;
  readonly fallback: number;
}

/** Writes the allowlist entries and baseline entries the decisions call for. */
async function save(
  findings: readonly Finding[],
  decisions: ReadonlyMap<string, Decision>,
  files: {
    root: string;
    config: string;
    baseline: string;
    /** The baseline's path came from the config, not a flag: it must stay in the repository. */
    configuredBaseline: boolean;
    previous: Baseline | undefined;
    key: string;
  },
): Promise<Written> {
  const secrets: { sha256: string; reason: string }[] = [];
  const accepted: BaselineEntry[] = [];
  let fallback = 0;
  for (const f of findings) {
    const d = decisions.get(f.fingerprint);
    if (d === undefined || d.verdict === 'real' || d.reason === undefined) continue;
    if (d.verdict === 'false-positive' && f.secretHash !== undefined) {
      secrets.push({ sha256: f.secretHash, reason: d.reason });
      continue;
    }
    const reason = d.verdict === 'false-positive' ? `false positive: ${d.reason}` : d.reason;
    if (d.verdict === 'false-positive') fallback++;
    const e = acceptedEntry(f, reason);
    if (e === undefined)
      throw new KeyguardError('IO', `${where(f)}: this finding has no hash to record`);
    accepted.push(e);
  }
  let allowlisted = 0;
  if (secrets.length > 0) {
    const doc = (
      existsSync(files.config) ? await parseJsonFile(files.config, 'CONFIG_INVALID') : {}
    ) as Record<string, unknown>;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw new KeyguardError('CONFIG_INVALID', `${files.config}: not a JSON object`);
    const allow = (doc.allowlist ?? {}) as Record<string, unknown>;
    const list = Array.isArray(allow.secrets) ? [...allow.secrets] : [];
    const known = new Set(list.map((e) => (e as { sha256?: unknown }).sha256));
    for (const s of secrets) {
      if (known.has(s.sha256)) continue;
      known.add(s.sha256);
      list.push(s);
      allowlisted++;
    }
    doc.allowlist = { ...allow, secrets: list };
    // JSON.stringify escapes every quote, backslash and control character of a reason.
    writeReportFile(files.config, `${JSON.stringify(doc, null, 2)}\n`, {
      label: `the config ${files.config}`,
      within: files.root,
    });
  }
  if (accepted.length > 0) {
    const entries = baselineEntries([], [...(files.previous?.entries ?? []), ...accepted]);
    writeReportFile(files.baseline, formatBaseline(entries, files.key), {
      label: `the baseline ${files.baseline}`,
      // A folder of the repository that is a link out of it (a hostile clone's) is not followed.
      within: files.root,
      insideOnly: files.configuredBaseline,
    });
  }
  return { allowlisted, baselined: accepted.length - fallback, fallback };
}

/** Asks about each finding in turn; returns the decisions made before the end or a quit. */
async function interactive(
  io: CommandIo,
  findings: readonly Finding[],
): Promise<{ decisions: Map<string, Decision>; real: string[]; skipped: number }> {
  const next = lineReader(io.stdin);
  const decisions = new Map<string, Decision>();
  const real: string[] = [];
  let skipped = 0;
  const ask = async (prompt: string): Promise<string | undefined> => {
    io.stdout.write(prompt);
    return next();
  };
  const seen = new Set<string>();
  const unique = findings.filter((f) => !seen.has(f.fingerprint) && seen.add(f.fingerprint));
  for (const [i, f] of unique.entries()) {
    io.stdout.write(describe(f, i + 1, unique.length));
    let done = false;
    while (!done) {
      const answer = await ask('[r]eal, [f]alse positive, [b]aseline, [s]kip, [q]uit? ');
      if (answer === undefined) return { decisions, real, skipped };
      const choice = answer.trim().toLowerCase();
      if (choice === 'q') return { decisions, real, skipped };
      if (choice === 's') {
        skipped++;
        done = true;
      } else if (choice === 'r') {
        const note = await ask('note (optional): ');
        const clean = cleanReason(note ?? '');
        decisions.set(f.fingerprint, { verdict: 'real' });
        real.push(`${where(f)}${clean === undefined ? '' : ` (${escapeControl(clean)})`}`);
        if (note === undefined) return { decisions, real, skipped };
        done = true;
      } else if (choice === 'f' || choice === 'b') {
        let reason: string | undefined;
        while (reason === undefined) {
          const text = await ask('reason (required): ');
          if (text === undefined) return { decisions, real, skipped };
          reason = cleanReason(text);
        }
        decisions.set(f.fingerprint, {
          verdict: choice === 'f' ? 'false-positive' : 'baseline',
          reason,
        });
        done = true;
      } else {
        io.stdout.write('  answer r, f, b, s or q\n');
      }
    }
  }
  return { decisions, real, skipped };
}

function parseMarks(marks: readonly string[], reason: string | undefined): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const m of marks) {
    const eq = m.lastIndexOf('=');
    const fp = eq === -1 ? '' : m.slice(0, eq).trim();
    const verdict = VERDICTS[eq === -1 ? '' : m.slice(eq + 1).trim()];
    if (fp === '' || verdict === undefined)
      throw new KeyguardError(
        'USAGE',
        `option '--mark' takes <fingerprint>=real|false-positive|baseline, not '${escapeControl(m)}'`,
      );
    if (verdict !== 'real' && reason === undefined)
      throw new KeyguardError('USAGE', `'--mark …=${verdict}' needs --reason "<why>"`);
    out.set(fp, { verdict, ...(reason === undefined ? {} : { reason }) });
  }
  return out;
}

export async function runAudit(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    io.argv,
    {
      list: { type: 'boolean' },
      mark: { type: 'string', multiple: true },
      reason: { type: 'string' },
      config: { type: 'string', short: 'c' },
      baseline: { type: 'string' },
      rules: { type: 'string', multiple: true },
      'allow-partial': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    'audit',
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const marks = listOption(values, 'mark');
  const reasonFlag = stringOption(values, 'reason');
  const reason = reasonFlag === undefined ? undefined : cleanReason(reasonFlag);
  if (reasonFlag !== undefined && reason === undefined)
    throw new KeyguardError('USAGE', "option '--reason' needs some text");
  const list = values.list === true;
  if (list && marks.length > 0)
    throw new KeyguardError('USAGE', "'--list' and '--mark' do not go together");
  const decided = parseMarks(marks, reason);
  if (!list && marks.length === 0 && io.stdinIsTTY !== true) {
    throw new KeyguardError(
      'USAGE',
      `'keyguard audit' asks in a terminal; in scripts use --list, then --mark <fingerprint>=false-positive|baseline|real --reason "…"`,
    );
  }

  const root = await configRoot(io, positionals[0]);
  await requireInside(io, root, 'audit');
  const options = await scanOptionsFrom(io, values, { root });
  const setup = await createScanSetup({
    root,
    today: io.today,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.rulePacks === undefined ? {} : { rulePacks: options.rulePacks }),
  });
  const flag = stringOption(values, 'baseline');
  const baselineFile =
    flag !== undefined
      ? resolve(io.cwd, flag)
      : (setup.config.baseline ?? join(root, BASELINE_FILE_NAME));
  const previous = existsSync(baselineFile) ? await loadBaseline(baselineFile) : undefined;
  // Accepted entries are keyed by the baseline's own HMAC key (a new file gets a new one).
  const key = previous?.key ?? randomBytes(32).toString('hex');
  const { outcome } = await scan(
    { mode: 'tree', cwd: io.cwd, paths: positionals },
    {
      ...options,
      setup,
      hashing: baselineHashing(previous, key),
      baseline: previous === undefined ? { kind: 'none' } : { kind: 'file', file: baselineFile },
    },
  );
  for (const w of outcome.warnings)
    io.stderr.write(`keyguard: warning: ${escapeControl(w.message)}\n`);
  if (outcome.incomplete !== undefined && !outcome.incomplete.accepted) {
    throw new KeyguardError(
      'IO',
      `incomplete scan: ${outcome.incomplete.unread} item(s) could not be read (see keyguard tree --verbose); nothing to audit until it is (--allow-partial audits the rest)`,
    );
  }
  const findings = outcome.findings;
  if (list) {
    for (const f of findings) {
      io.stdout.write(
        `${JSON.stringify({
          fingerprint: f.fingerprint,
          ruleId: f.ruleId,
          severity: f.severity,
          path: f.location.path,
          line: f.location.line,
          column: f.location.column,
          ...(f.location.where === undefined ? {} : { where: f.location.where }),
          redacted: f.redacted,
          lineText: f.lineText,
        })}\n`,
      );
    }
    return 0;
  }
  const configFile = options.configFile ?? join(root, CONFIG_FILE_NAME);
  let decisions = decided;
  let real: string[] = [];
  let skipped = 0;
  if (marks.length > 0) {
    const known = new Set(findings.map((f) => f.fingerprint));
    for (const fp of decided.keys())
      if (!known.has(fp))
        throw new KeyguardError(
          'USAGE',
          `no current finding has fingerprint '${escapeControl(fp)}' (see keyguard audit --list)`,
        );
  } else {
    if (findings.length === 0) {
      io.stdout.write('keyguard audit: no findings to triage\n');
      return 0;
    }
    ({ decisions, real, skipped } = await interactive(io, findings));
  }
  const written = await save(findings, decisions, {
    root,
    config: configFile,
    baseline: baselineFile,
    configuredBaseline: flag === undefined,
    previous,
    key,
  });
  const show = (file: string) => escapeControl(relative(io.cwd, file) || file);
  const parts = [
    `${written.allowlisted} allowlisted in ${show(configFile)}`,
    `${written.baselined + written.fallback} accepted in ${show(baselineFile)}${written.fallback === 0 ? '' : ` (${written.fallback} false positive${written.fallback === 1 ? '' : 's'} on key IDs, which have no shareable hash)`}`,
    `${[...decisions.values()].filter((d) => d.verdict === 'real').length} real`,
  ];
  if (marks.length === 0) parts.push(`${skipped} skipped`);
  io.stdout.write(`keyguard audit: ${parts.join(', ')}\n`);
  for (const r of real) io.stdout.write(`  real: ${r}: rotate the key, then remove it\n`);
  return 0;
}
