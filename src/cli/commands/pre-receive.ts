import { resolve } from 'node:path';
import { loadBranchSetup } from '../../app/load-branch-setup.js';
import { planPushScan } from '../../app/plan-push-scan.js';
import { resolveHistory } from '../../app/resolve-history.js';
import { scan } from '../../app/scan.js';
import { readGitDirInfo } from '../../git/git-dir-info.js';
import { MAX_HOOK_INPUT, parseReceiveInput, type RefUpdate } from '../../git/ref-updates.js';
import { isKeyguardError, KeyguardError } from '../../model/errors.js';
import { SEVERITIES, type Severity } from '../../model/finding.js';
import { renderRejection } from '../../report/render-rejection.js';
import type { CommandIo } from '../command-io.js';
import {
  listOption,
  type Parsed,
  parseOptions,
  parseSize,
  stringOption,
} from '../parse-options.js';
import { readHookInput } from '../read-hook-input.js';

const OPTIONS_HELP = `Options:
      --config-ref <ref>    read .keyguard.json, its rule packs and the baseline from this branch
                            (default: the branch HEAD names, the repository's default branch)
  -c, --config <file>       a configuration file on the server's disk instead (the admin's)
      --rules <file>        add a rule pack from the server's disk (repeatable)
      --baseline <file>     a baseline on the server's disk; --no-baseline: none
      --fail-on <severity>  lowest severity that rejects (default: the config's, else low)
      --max-file-size <n>   larger blobs are not read: the scan is incomplete and the push is
                            rejected, unless --allow-partial
      --allow-partial       accept an incomplete scan (a shallow repository, unread blobs)
  -h, --help                this help`;

const HELP = `Usage: keyguard pre-receive [options]

The server-side gate: run by git's pre-receive hook inside a bare repository, it reads git's
'<old sha> <new sha> <ref>' lines on standard input and scans every commit the push brings that
no ref of the repository reaches yet (new branches, updates, force pushes, tags; a deletion brings
nothing), each blob once. Objects are read where git put them (its quarantine directory). The
configuration and baseline come from the repository's default branch as it is before this push,
never from the push itself.

Exit 0 accepts the push; 1 (findings) and 2 (an error: unreadable input, a missing object)
reject it, with a few short, redacted lines for the pusher's terminal. See docs/git-gates.md.

${OPTIONS_HELP}
`;

const UPDATE_HELP = `Usage: keyguard update <ref> <old sha> <new sha> [options]

The server-side gate as git's update hook: the same scan as 'keyguard pre-receive', for one ref at a
time (git runs the update hook once per pushed ref, and rejects only that ref).

${OPTIONS_HELP}
`;

const OPTIONS = {
  'config-ref': { type: 'string' },
  config: { type: 'string', short: 'c' },
  rules: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  'no-baseline': { type: 'boolean' },
  'fail-on': { type: 'string' },
  'max-file-size': { type: 'string' },
  'allow-partial': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function severity(text: string | undefined): Severity | undefined {
  if (text === undefined) return undefined;
  if ((SEVERITIES as readonly string[]).includes(text)) return text as Severity;
  throw new KeyguardError(
    'USAGE',
    `option '--fail-on' takes one of ${SEVERITIES.join(', ')}, not '${text}'`,
  );
}

/** Scans what the updates bring in and answers for the `remote:` lines. */
async function judge(
  io: CommandIo,
  values: Parsed['values'],
  hook: 'pre-receive' | 'update',
  updates: () => Promise<RefUpdate[]>,
): Promise<number> {
  const allowPartial = values['allow-partial'] === true;
  const info = await readGitDirInfo(io.cwd);
  if (info.shallow && !allowPartial) {
    throw new KeyguardError(
      'GIT_FAILED',
      'this repository is shallow: history before its boundary is missing, so new commits cannot be told from old ones; unshallow it (git fetch --unshallow) or pass --allow-partial',
    );
  }
  const pushed = await updates();
  const ref = stringOption(values, 'config-ref') ?? info.head;
  const fromDisk = (name: string) => {
    const v = stringOption(values, name);
    return v === undefined ? undefined : resolve(io.cwd, v);
  };
  const configFile =
    fromDisk('config') ??
    (io.env.KEYGUARD_CONFIG === undefined ? undefined : resolve(io.cwd, io.env.KEYGUARD_CONFIG));
  const baselineFile = fromDisk('baseline');
  // Independent questions to git: asked at once (a hook's time is the pusher's wait).
  const branchSetup = loadBranchSetup({
    cwd: io.cwd,
    root: info.gitDir,
    today: io.today,
    ...(ref === undefined ? {} : { ref }),
    ...(configFile === undefined ? {} : { configFile }),
    ...(baselineFile === undefined ? {} : { baselineFile }),
    rulePacks: listOption(values, 'rules').map((r) => resolve(io.cwd, r)),
  });
  const [branch, plan] = await Promise.all([
    branchSetup,
    planPushScan(io.cwd, pushed, {
      hook: 'pre-receive',
      // Only what came through a gate vouches for its commits: branches and tags. A host writes
      // other refs without running this hook (a fork's merge-request or pull-request head, a
      // keep-around ref), and a commit they hold must still be scanned when a branch takes it.
      known: ['--branches', '--tags'],
      remote: 'this repository',
    }),
  ]);
  const resolved =
    plan.selection === undefined ? undefined : await resolveHistory(io.cwd, plan.selection);
  const size = stringOption(values, 'max-file-size');
  const failOn = severity(stringOption(values, 'fail-on'));
  const baseline = branch.baseline;
  const report = await scan(
    {
      mode: 'history',
      cwd: io.cwd,
      revisions: resolved?.revisions ?? [],
      ...(resolved?.input === undefined ? {} : { input: resolved.input }),
      rangeLabel: plan.selection?.label ?? `${hook}: ${plan.objects.length} object(s)`,
      total: resolved?.total ?? 0,
      objects: plan.objects,
      names: plan.names,
      extraCoverage: { partial: false, refsPushed: plan.refs.changed },
    },
    {
      root: info.gitDir,
      today: io.today,
      setup: branch.setup,
      baseline:
        values['no-baseline'] === true || baseline === undefined
          ? { kind: 'none' }
          : {
              kind: 'entries',
              entries: baseline.entries,
              ...(baseline.key === undefined ? {} : { key: baseline.key }),
            },
      ...(size === undefined ? {} : { maxFileSize: parseSize(size, '--max-file-size') }),
      ...(failOn === undefined ? {} : { failOn }),
      ...(allowPartial ? { allowPartial: true } : {}),
    },
  );
  const rulesFrom =
    branch.commit === undefined
      ? `built-in rules (${ref === undefined ? 'no default branch yet' : `${ref} does not exist yet`})`
      : `${ref ?? 'HEAD'} ${branch.commit.slice(0, 12)}`;
  io.stderr.write(renderRejection(report.outcome, { rulesFrom, pack: report.setup.pack }));
  return report.exitCode;
}

/** Errors reject the push too: say so on the one line the pusher sees. */
async function rejecting(hook: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!isKeyguardError(error)) throw error;
    throw new KeyguardError(error.code, `${hook}: push rejected: ${error.message}`, {
      details: error.details,
      cause: error,
    });
  }
}

export async function runPreReceive(io: CommandIo): Promise<number> {
  const { values } = parseOptions(io.argv, OPTIONS, 'pre-receive', 0);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  return rejecting('pre-receive', () =>
    judge(io, values, 'pre-receive', async () =>
      parseReceiveInput(await readHookInput(io, MAX_HOOK_INPUT, 'pre-receive')),
    ),
  );
}

export async function runUpdate(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(io.argv, OPTIONS, 'update', 3);
  if (values.help === true) {
    io.stdout.write(UPDATE_HELP);
    return 0;
  }
  const [ref, old, next] = positionals;
  if (ref === undefined || old === undefined || next === undefined) {
    throw new KeyguardError(
      'USAGE',
      "'keyguard update' takes <ref> <old sha> <new sha>, as git passes them to the update hook",
    );
  }
  return rejecting('update', () =>
    judge(io, values, 'update', async () => parseReceiveInput(`${old} ${next} ${ref}\n`)),
  );
}
