import { countCommits } from '../../git/count-commits.js';
import { readRepoInfo } from '../../git/repo-info.js';
import { KeyguardError } from '../../model/errors.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { parseOptions, stringOption } from '../parse-options.js';
import { createProgressLine } from '../progress-line.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';

const HELP = `Usage: keyguard history [<revision range>...] [options]

Scan every commit reachable from any ref (default), or a range: 'main..feature', 'A..B',
'v1.0..', '--since 2024-01-01'. Each blob is read once; each finding names the commit that
introduced it and says how many commits carry it. Commit messages are scanned too.

The scan fails closed: a shallow clone, a range git cannot resolve or a git failure exits 2 and says
what was not covered. Every report ends with a coverage summary (commits, blobs, bytes, skips).

      --since <date>        only commits after a date (YYYY-MM-DD, or git forms like '2 weeks ago')
      --pre-push            scan what a push sends, from the pre-commit framework's pre-push
                            stage: PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or for a branch that
                            reaches a root commit, PRE_COMMIT_LOCAL_BRANCH minus what
                            PRE_COMMIT_REMOTE_NAME already has
${SCAN_OPTIONS_HELP}
`;

const NULL_ID = /^0+$/;
const RELATIVE_DATE =
  /^\d+[ .](second|minute|hour|day|week|month|year)s?[ .]ago$|^(yesterday|today|now)$/i;

function sinceArg(value: string): string {
  if (Number.isNaN(Date.parse(value)) && !RELATIVE_DATE.test(value.trim())) {
    throw new KeyguardError(
      'USAGE',
      `option '--since' takes a date such as 2024-01-31 or '2 weeks ago', not '${value}'`,
    );
  }
  return `--since=${value}`;
}

function prePushRange(env: CommandIo['env']): string[] {
  const from = env.PRE_COMMIT_FROM_REF;
  const to = env.PRE_COMMIT_TO_REF;
  if (from === undefined || from === '' || to === undefined || to === '') {
    // pre-commit sets no range when the pushed branch reaches a root commit (a first push to an
    // empty remote, say): it names the branch and the remote instead. Scan what the remote lacks.
    const branch = env.PRE_COMMIT_LOCAL_BRANCH;
    const remote = env.PRE_COMMIT_REMOTE_NAME;
    if (branch !== undefined && branch !== '' && remote !== undefined && remote !== '') {
      return [branch, '--not', `--remotes=${remote}`];
    }
    throw new KeyguardError(
      'USAGE',
      "'--pre-push' needs PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF, or PRE_COMMIT_LOCAL_BRANCH and PRE_COMMIT_REMOTE_NAME (set by pre-commit's pre-push stage)",
    );
  }
  // A branch deletion pushes no commits.
  if (NULL_ID.test(to)) return [];
  // A new branch: everything the remote does not have yet.
  if (NULL_ID.test(from)) return [to, '--not', '--remotes'];
  return [`${from}..${to}`];
}

function revisionsOf(positionals: readonly string[], io: CommandIo, prePush: boolean): string[] {
  for (const p of positionals) {
    if (p.startsWith('-')) {
      throw new KeyguardError('USAGE', `'${p}' is not a revision range for 'keyguard history'`);
    }
  }
  if (prePush) {
    if (positionals.length > 0) {
      throw new KeyguardError('USAGE', "'--pre-push' takes its range from the environment");
    }
    return prePushRange(io.env);
  }
  return positionals.length === 0 ? ['--all'] : [...positionals];
}

export async function runHistory(io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    io.argv,
    {
      ...SCAN_OPTIONS,
      since: { type: 'string' },
      'pre-push': { type: 'boolean' },
    },
    'history',
  );
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  const info = await readRepoInfo(io.cwd);
  const range = revisionsOf(positionals, io, values['pre-push'] === true);
  if (range.length === 0) {
    io.stderr.write('keyguard: pushing a deletion: no commits to scan\n');
    return 0;
  }
  const since = stringOption(values, 'since');
  const revisions = since === undefined ? range : [...range, sinceArg(since)];
  const rangeLabel =
    (range[0] === '--all' ? 'all refs' : range.join(' ')) +
    (since === undefined ? '' : ` since ${since}`);
  const extra: Record<string, string | number | boolean> = { partial: false };
  if (info.shallow) {
    extra.partial = true;
    extra.partialReason =
      'shallow clone: commits before the shallow boundary are missing and were not scanned';
  }
  const total = await countCommits(info.top, revisions);
  if (total === 0) {
    io.stderr.write(`keyguard: warning: '${rangeLabel}' selects no commits: nothing was scanned\n`);
  }
  const progress = createProgressLine(io.stderr, io.env, 'keyguard history: commits');
  try {
    return await executeScan(io, values, {
      target: {
        mode: 'history',
        cwd: info.top,
        revisions,
        rangeLabel,
        total,
        shallow: info.shallow,
        extraCoverage: extra,
        onProgress: (p) =>
          progress.update(
            p.commits,
            p.total,
            `${p.blobs} blobs, ${Math.round(p.bytes / 1048576)} MiB`,
          ),
      },
      root: info.top,
    });
  } finally {
    progress.done();
  }
}
