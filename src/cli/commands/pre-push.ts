import { type PushScanPlan, planPushScan } from '../../app/plan-push-scan.js';
import { resolveHistory } from '../../app/resolve-history.js';
import { MAX_HOOK_INPUT, parsePrePushInput, type RefUpdate } from '../../git/ref-updates.js';
import { readRepoInfo } from '../../git/repo-info.js';
import { KeyguardError } from '../../model/errors.js';
import { shownName } from '../../model/shown-name.js';
import { escapeControl } from '../../report/escape-control.js';
import { redactUrl } from '../../report/redact-url.js';
import type { CommandIo } from '../command-io.js';
import { scanAndReport } from '../execute-scan.js';
import { type Parsed, parseOptions } from '../parse-options.js';
import { quietUnlessFailed } from '../quiet-unless-failed.js';
import { readHookInput } from '../read-hook-input.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard pre-push <remote> <url> [options]

The pre-push gate: run by git's pre-push hook (install it with 'keyguard install --hook pre-push'),
it reads git's '<local ref> <local sha> <remote ref> <remote sha>' lines on standard input and
scans exactly the commits being pushed: what the remote is not known to have (its remote-tracking
refs, and the values the pushed refs have there). A new branch scans only its commits the remote
lacks, a deletion scans nothing, tags (annotated ones are followed, and their text is scanned)
and force pushes are handled, and several refs in one push are walked together, each blob once.

Exit 0 lets the push go, 1 blocks it (findings), 2 blocks it (an error: unreadable input, an
object that is not here). 'git push --no-verify' skips every pre-push hook.

${SCAN_OPTIONS_HELP}
  -q, --quiet               print nothing when the push may go ahead (exit 0); everything when it
                            is blocked. The hook 'keyguard install --hook pre-push' writes uses it.
`;

/** A remote name git could have configured (no glob characters: it becomes --remotes=<name>). */
const REMOTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(?:\/[A-Za-z0-9._-]+)*$/;

/**
 * What the pushed-to side already has: its remote-tracking refs when the push names a configured
 * remote. A push to a bare URL knows nothing more than the pushed refs' old values.
 */
function knownRefs(remote: string, url: string): string[] {
  return remote !== url && REMOTE_NAME.test(remote) ? [`--remotes=${remote}`] : [];
}

/** Scans what a push plan names; shared by `keyguard pre-push` and `history --pre-push`. */
export async function scanPush(
  io: CommandIo,
  values: Parsed['values'],
  updates: readonly RefUpdate[],
  remote: { name: string; url: string },
): Promise<number> {
  const info = await readRepoInfo(io.cwd);
  const shown = shownName(remote.name === remote.url ? redactUrl(remote.url) : remote.name);
  const plan: PushScanPlan = await planPushScan(info.top, updates, {
    hook: 'pre-push',
    known: knownRefs(remote.name, remote.url),
    remote: shown,
  });
  // Notes name refs, which anyone pushing can name with a key: masked as reports mask names.
  for (const note of plan.notes)
    io.stderr.write(`keyguard: note: ${escapeControl(shownName(note))}\n`);
  if (plan.selection === undefined && plan.objects.length === 0) {
    const what = plan.refs.deleted > 0 ? 'deletions only' : 'nothing new';
    io.stderr.write(`keyguard: pre-push: ${what}: no commits to scan\n`);
  }
  const resolved =
    plan.selection === undefined ? undefined : await resolveHistory(info.top, plan.selection);
  const verdict = await scanAndReport(io, values, {
    target: {
      mode: 'history',
      cwd: info.top,
      revisions: resolved?.revisions ?? [],
      ...(resolved?.input === undefined ? {} : { input: resolved.input }),
      rangeLabel: plan.selection?.label ?? `pre-push: ${plan.objects.length} object(s)`,
      total: resolved?.total ?? 0,
      objects: plan.objects,
      names: plan.names,
      // The commits pushed from a shallow clone are all here: the walk stops at what the remote
      // has, and a boundary commit is diffed against nothing (its whole tree is read).
      shallow: false,
      extraCoverage: {
        partial: false,
        refsPushed: plan.refs.changed,
        ...(info.shallow ? { shallowClone: true } : {}),
      },
    },
    root: info.top,
  });
  if (verdict.reason === 'findings') {
    io.stderr.write(
      `keyguard: push to ${escapeControl(shown)} blocked: the commits being pushed contain credentials (above). Take the key out of those commits (git rebase -i; git commit --amend for the last one), rotate it, then push again\n`,
    );
  } else if (verdict.reason === 'stale') {
    io.stderr.write(
      `keyguard: push to ${escapeControl(shown)} blocked: stale baseline entries (--fail-on-stale); run 'keyguard baseline' and commit the result\n`,
    );
  } else if (verdict.reason === 'incomplete') {
    io.stderr.write('keyguard: push blocked: the scan could not finish (above)\n');
  }
  return verdict.exitCode;
}

const PRE_PUSH_OPTIONS = { ...SCAN_OPTIONS, quiet: { type: 'boolean', short: 'q' } } as const;

export async function runPrePush(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, PRE_PUSH_OPTIONS, 'pre-push', 2);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const [name, url] = positionals;
  if (name === undefined || url === undefined) {
    throw new KeyguardError(
      'USAGE',
      "'keyguard pre-push' takes the remote's name and URL, as git passes them to the pre-push hook (see keyguard pre-push --help)",
    );
  }
  const gate = async (out: CommandIo): Promise<number> => {
    const updates = parsePrePushInput(await readHookInput(out, MAX_HOOK_INPUT, 'pre-push'));
    return scanPush(out, values, updates, { name, url });
  };
  return values.quiet === true ? quietUnlessFailed(io, gate) : gate(io);
}
