import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type ScanTarget, scan as scanWith } from '../app/scan.js';
import { gitHistory } from '../git/fetch-history.js';
import { findRepoRoot } from '../git/find-repo-root.js';
import { isKeyguardError, KeyguardError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/finding.js';
import type { ScanOutcome } from '../model/outcome.js';
import { shownName } from '../model/shown-name.js';
import { escapeControl } from '../report/escape-control.js';
import { markdownText } from '../report/escape-markdown.js';
import type { RenderContext } from '../report/render-context.js';
import { renderGithub } from '../report/render-github.js';
import { renderHuman } from '../report/render-human.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { renderSarif } from '../report/render-sarif.js';
import { workflowCommand } from '../report/workflow-command.js';
import { writeReportFile } from '../report/write-report-file.js';
import { CONFIG_FROM, type ConfigFrom, loadActionConfig } from './action-config.js';
import { type ActionLog, createActionLog } from './action-log.js';
import { type ResolvedTarget, resolveRange } from './resolve-range.js';
import { scanRequest } from './scan-request.js';
import { tagReader } from './tag-contents.js';
import { appendSummary, writeOutputs } from './workflow-files.js';

/** What the action sees of the runner; only `main.ts` builds it from `process`. */
export interface ActionIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdout: { write(text: string): void };
  /** Today as YYYY-MM-DD (allowlist expiry). */
  readonly today: string;
  readonly version: string;
}

const DEFAULT_SARIF = 'keyguard.sarif';

/** An action input as the runner passes it: `INPUT_<NAME>`, upper-cased, spaces as `_`. */
export function actionInput(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function booleanInput(env: ActionIo['env'], name: string): boolean {
  const v = actionInput(env, name);
  if (v === undefined) return false;
  if (/^(true|yes|1)$/i.test(v)) return true;
  if (/^(false|no|0)$/i.test(v)) return false;
  throw new KeyguardError('USAGE', `input '${name}' takes true or false, not '${v}'`);
}

function severityInput(env: ActionIo['env']): Severity {
  const v = actionInput(env, 'fail-on');
  if (v === undefined) return 'low';
  if ((SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new KeyguardError(
    'USAGE',
    `input 'fail-on' takes one of ${SEVERITIES.join(', ')}, not '${v}'`,
  );
}

function readPayload(env: ActionIo['env']): unknown {
  const file = env.GITHUB_EVENT_PATH;
  if (file === undefined || file === '') return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new KeyguardError(
      'USAGE',
      `cannot read the event payload GITHUB_EVENT_PATH=${file}: ${(error as Error).message.split('\n')[0] ?? ''}`,
    );
  }
}

function scopeLine(target: ResolvedTarget, eventName: string): string {
  if (target.kind === 'tree') return `${eventName || 'manual run'}: the working tree`;
  if (target.kind === 'nothing')
    return shownName(`${eventName}: nothing to scan (${target.reason})`);
  // A branch name is the pull request author's to choose: shown masked, as reports show names.
  return shownName(
    `${eventName}: ${target.description} (${target.commits} commit${target.commits === 1 ? '' : 's'})`,
  );
}

function configFromInput(env: ActionIo['env']): ConfigFrom {
  const v = actionInput(env, 'config-from');
  if (v === undefined) return 'base';
  if ((CONFIG_FROM as readonly string[]).includes(v)) return v as ConfigFrom;
  throw new KeyguardError(
    'USAGE',
    `input 'config-from' takes ${CONFIG_FROM.join(' or ')}, not '${escapeControl(v)}'`,
  );
}

/** `.keyguard.json changed in this pull request, not applied`, one per file. */
function notAppliedLines(paths: readonly string[], eventName: string): string[] {
  const where = eventName.startsWith('pull_request')
    ? 'in this pull request'
    : eventName === 'merge_group'
      ? 'in this merge group'
      : 'in the pushed commits';
  return paths.map((p) => `${p} changed ${where}, not applied`);
}

function summaryHeader(
  target: ResolvedTarget,
  eventName: string,
  config: { readonly from: string; readonly changed: readonly string[] },
): string {
  // Branch names, notes and paths come from the event and the commits: escaped like scanned text.
  const lines = [`Scope: ${markdownText(scopeLine(target, eventName))}`];
  if (target.kind === 'history')
    for (const n of target.notes) lines.push(`- ${markdownText(shownName(n))}`);
  lines.push('', `Configuration: ${markdownText(config.from)}`);
  for (const c of config.changed) lines.push(`- ⚠️ ${markdownText(c)}`);
  return `${lines.join('\n')}\n\n`;
}

async function scan(io: ActionIo, log: ActionLog): Promise<number> {
  const workspace = resolve(io.cwd, actionInput(io.env, 'working-directory') ?? '.');
  const root = (await findRepoRoot(workspace)) ?? workspace;
  const eventName = io.env.GITHUB_EVENT_NAME ?? '';
  const base = actionInput(io.env, 'base');
  const head = actionInput(io.env, 'head');
  const scanInput = actionInput(io.env, 'scan');
  const request = scanRequest(eventName, readPayload(io.env), {
    ...(base === undefined ? {} : { base }),
    ...(head === undefined ? {} : { head }),
    ...(scanInput === undefined ? {} : { scan: scanInput }),
  });
  const git = gitHistory(root);
  const target = await resolveRange(request, git, { readTag: tagReader(root, git, 'origin') });
  log.text(`keyguard: scanning ${scopeLine(target, eventName)}`);
  if (target.kind === 'history')
    for (const n of target.notes) log.text(`keyguard: ${shownName(n)}`);

  const configInput = actionInput(io.env, 'config');
  const severity = actionInput(io.env, 'fail-on');
  const baselineInput = actionInput(io.env, 'baseline');
  const config = await loadActionConfig({
    root,
    today: io.today,
    request,
    target,
    configFrom: configFromInput(io.env),
    ...(configInput === undefined ? {} : { configFile: resolve(io.cwd, configInput) }),
    ...(baselineInput === undefined ? {} : { baselineFile: resolve(io.cwd, baselineInput) }),
  });
  log.text(`keyguard: configuration from ${config.from}`);
  const changed = notAppliedLines(config.notApplied, eventName);
  if (changed.length > 0) {
    log.text(changed.map((l) => `keyguard: ${l}`).join('\n'));
    log.command(
      workflowCommand(
        'warning',
        { title: 'keyguard' },
        escapeControl(`${changed.join('; ')}: this run applies ${config.from}`),
      ),
    );
  }
  const committed = config.committed;
  const scanTarget: ScanTarget =
    target.kind === 'tree'
      ? { mode: 'tree', cwd: root, paths: [workspace] }
      : {
          mode: 'history',
          cwd: root,
          revisions: target.kind === 'history' ? target.revisions : [],
          rangeLabel: target.kind === 'history' ? target.description : 'nothing',
          total: target.kind === 'history' ? target.commits : 0,
          // A pushed tag's text and the blobs it names: read as the CLI reads a tag it pushes.
          ...(target.kind === 'history' && target.objects !== undefined
            ? { objects: target.objects }
            : {}),
          extraCoverage: { event: eventName },
        };
  const report = await scanWith(scanTarget, {
    root,
    today: io.today,
    ...(committed === undefined
      ? {
          ...(configInput === undefined ? {} : { configFile: resolve(io.cwd, configInput) }),
          ...(baselineInput === undefined
            ? {}
            : { baseline: { kind: 'file', file: resolve(io.cwd, baselineInput) } }),
        }
      : {
          // Read from the base (or head) commit: the checkout's files are not consulted.
          setup: committed.setup,
          baseline:
            committed.baseline === undefined
              ? { kind: 'none' }
              : {
                  kind: 'entries',
                  entries: committed.baseline.entries,
                  ...(committed.baseline.key === undefined ? {} : { key: committed.baseline.key }),
                },
        }),
    ...(severity === undefined ? {} : { failOn: severityInput(io.env) }),
    ...(booleanInput(io.env, 'allow-partial') ? { allowPartial: true } : {}),
    ...(booleanInput(io.env, 'fail-on-stale') ? { failOnStale: true } : {}),
    // Only a scan of the whole tree can tell that an accepted finding is gone.
    ...(target.kind === 'tree' && workspace === root ? { covers: () => true } : {}),
  });
  const { setup, failOn } = report;
  const outcome: ScanOutcome = {
    ...report.outcome,
    coverage: { ...report.outcome.coverage, event: eventName || 'none' },
  };
  const stale = outcome.staleBaseline ?? [];
  const ctx: RenderContext = {
    pack: setup.pack,
    toolVersion: io.version,
    color: false,
    verbose: false,
  };

  const sarifInput = actionInput(io.env, 'sarif-file') ?? DEFAULT_SARIF;
  const sarifPath = resolve(io.cwd, sarifInput);
  // The checkout is the pull request's: a symlink it commits must not aim the write elsewhere.
  writeReportFile(sarifPath, renderSarif(outcome, ctx), {
    label: `sarif-file ${sarifInput}`,
    within: io.env.GITHUB_WORKSPACE || io.cwd,
    makeParents: true,
  });
  log.text(renderHuman(outcome, ctx));
  for (const line of renderGithub(outcome, ctx).split('\n')) if (line !== '') log.command(line);
  appendSummary(
    io.env.GITHUB_STEP_SUMMARY,
    // A function, not a string: `$&` or `$'` in a branch name must stay text.
    renderMarkdown(outcome, ctx).replace(
      /\n\n/,
      () => `\n\n${summaryHeader(target, eventName, { from: config.from, changed })}`,
    ),
  );
  writeOutputs(io.env.GITHUB_OUTPUT, {
    findings: outcome.findings.length,
    sarif: relative(io.cwd, sarifPath) || sarifPath,
    commits: target.kind === 'history' ? target.commits : 0,
    scope: scopeLine(target, eventName),
  });
  // The exit code and the summary's headline come from the scan's one verdict.
  const verdict = report.outcome.verdict;
  if (verdict.reason === 'incomplete') {
    log.command(
      `${workflowCommand('error', { title: 'keyguard' }, `incomplete scan: ${outcome.incomplete?.unread ?? 0} item(s) could not be read (listed in the log); set allow-partial: true to accept a partial scan`)}`,
    );
  } else if (verdict.reason === 'findings') {
    const failing = verdict.failing;
    log.command(
      `${workflowCommand('error', { title: 'keyguard' }, `${failing} finding${failing === 1 ? '' : 's'} at or above ${failOn}: rotate the keys, then fix or accept them (see the step summary)`)}`,
    );
  } else if (verdict.reason === 'stale') {
    log.command(
      `${workflowCommand('error', { title: 'keyguard' }, `${stale.length} stale baseline entr${stale.length === 1 ? 'y' : 'ies'} (fail-on-stale): run 'keyguard baseline' and commit the result`)}`,
    );
  }
  return report.exitCode;
}

/**
 * The GitHub Action: decides what the event asks to scan (the PR's commits, a push's new commits,
 * or the tree), makes sure that history is present (fetching or failing, never passing on a
 * shallow clone), scans, then writes annotations, the step summary, a SARIF file and outputs.
 * Exit 0 clean, 1 findings at or above `fail-on`, 2 when the scan could not be trusted.
 */
export async function runAction(io: ActionIo): Promise<number> {
  const log = createActionLog(io.stdout);
  try {
    return await scan(io, log);
  } catch (error) {
    if (!isKeyguardError(error)) throw error;
    // Messages may quote a path, a ref or git's stderr: names masked as reports mask them,
    // escaped, and the details as free text.
    const message = shownName(error.message);
    const details = error.details.map((d) => shownName(d));
    log.command(workflowCommand('error', { title: 'keyguard' }, escapeControl(message)));
    if (details.length > 0) log.text(details.join('\n'));
    appendSummary(
      io.env.GITHUB_STEP_SUMMARY,
      `## ⚠️ keyguard could not scan\n\n${[message, ...details].map(markdownText).join('<br>\n')}\n`,
    );
    writeOutputs(io.env.GITHUB_OUTPUT, { sarif: '' });
    return 2;
  } finally {
    // Commands work again after the step, and for main.ts's report of an unexpected error.
    log.close();
  }
}
