import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cloneForScan } from '../../app/clone-for-scan.js';
import { historyRefObjects } from '../../app/history-ref-objects.js';
import { resolveHistory } from '../../app/resolve-history.js';
import { workTreeOf } from '../../git/find-repo-root.js';
import { parseHistorySelection } from '../../git/history-args.js';
import { pathspecsFromFolder } from '../../git/pathspecs-from-folder.js';
import type { RefUpdate } from '../../git/ref-updates.js';
import { readRepoInfo } from '../../git/repo-info.js';
import { isRepositoryUrl } from '../../git/repo-location.js';
import { KeyguardError } from '../../model/errors.js';
import type { HistorySelection } from '../../model/history-selection.js';
import { shownName } from '../../model/shown-name.js';
import { escapeControl } from '../../report/escape-control.js';
import { redactUrl } from '../../report/redact-url.js';
import type { CommandIo } from '../command-io.js';
import { executeScan } from '../execute-scan.js';
import { historyCacheSettings } from '../history-cache-settings.js';
import { listOption, type Parsed, parseOptions, stringOption } from '../parse-options.js';
import { createProgressLine } from '../progress-line.js';
import { SCAN_OPTIONS, SCAN_OPTIONS_HELP } from '../scan-options.js';
import { scanPush } from './pre-push.js';

const HELP = `Usage: keyguard history [<repository>] [<revision>...] [options] [-- <path>...]

Scan every commit reachable from any ref (default), or the commits you aim it at, with what you
would type into git log. Each blob is read once; each finding names the commit that introduced it
and says how many commits carry it. Commit messages are scanned too, and so is what the selected
refs name outside any commit, as a clone carries it: annotated tags' text (findings under
<tag refs/tags/v1 1a2b3c4d5e6f>) and blobs or trees a ref names. A range reads the tags at its
including end only (B of A..B); a scan narrowed to paths reads none.

  keyguard history main..feature              what feature adds over main
  keyguard history A..B C..D                  several ranges: their UNION (git would intersect)
  keyguard history <sha>^!                     a single commit (or: -n 1 <sha>)
  keyguard history feature ^main              feature, minus what main has
  keyguard history --branches --tags          every branch and tag (--remotes, --all too;
                                              --branches=<glob> and friends take a pattern)
  keyguard history main -- src/ '*.env'       only changes under these paths
  keyguard history https://host/org/repo.git  clone it into a temporary folder, scan, remove
                                              (also git@host:org/repo.git, file://, /path/repo)

The scan fails closed: a shallow clone, a revision git cannot resolve or a git failure exits 2
and says what was not covered. Every report ends with a coverage summary.

Aiming:
      --since <date>        only commits after a date (YYYY-MM-DD, or '2 weeks ago')
      --until <date>        only commits before a date
      --author <pattern>    only commits whose author matches (repeatable: any of them)
  -n, --max-count <n>       only the newest n commits of the selection
      --all, --branches[=<glob>], --tags[=<glob>], --remotes[=<glob>]
                            commits of every ref, or of these refs
      --log-opts <options>  more git log options, e.g. '--no-merges --first-parent' or
                            '--committer=ci@example.com'. Only options that select commits are
                            accepted (dates, authors, committers, --grep, counts, merges, ref
                            selections, --not, --exclude); anything that changes git's output
                            or runs programs (--format, --output, -p, --ext-diff, --textconv…)
                            is refused
      --no-cache            read every blob: ignore the history cache, and do not update it
      --pre-push            scan what a push sends, from the pre-commit framework's pre-push
                            stage: PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or for a branch that
                            reaches a root commit, PRE_COMMIT_LOCAL_BRANCH minus what
                            PRE_COMMIT_REMOTE_NAME already has
${SCAN_OPTIONS_HELP}
Rescans read only what is new: blobs an earlier history scan of this repository read without
finding a single keyword are remembered in .git/keyguard/ (per rule pack, config and keyguard
build; authenticated with a key in your private cache folder, so a planted or copied file is
ignored). Blobs that could hold a key are read on every run: findings are never forgotten.
`;

/** Ref-selection flags whose value is optional (`--branches`, `--branches=<glob>`). */
const REF_FLAG = /^--(?:all|branches|tags|remotes)(?:=.*)?$/;

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** pre-commit's pre-push stage: one pushed ref, from its environment variables. */
function prePushUpdate(env: CommandIo['env']): RefUpdate | undefined {
  const from = env.PRE_COMMIT_FROM_REF;
  const to = env.PRE_COMMIT_TO_REF;
  if (from === undefined || from === '' || to === undefined || to === '') return undefined;
  for (const [name, value] of [
    ['PRE_COMMIT_FROM_REF', from],
    ['PRE_COMMIT_TO_REF', to],
  ] as const) {
    if (!OBJECT_ID.test(value)) {
      throw new KeyguardError('USAGE', `${name} is not an object id: '${value}'`);
    }
  }
  return { ref: env.PRE_COMMIT_REMOTE_BRANCH || 'the pushed ref', old: from, new: to };
}

/**
 * pre-commit sets no range when the pushed branch reaches a root commit (a first push to an empty
 * remote, say): it names the branch and the remote instead. Scan what the remote lacks.
 */
function prePushBranchSelection(env: CommandIo['env']): HistorySelection {
  const branch = env.PRE_COMMIT_LOCAL_BRANCH;
  const remote = env.PRE_COMMIT_REMOTE_NAME;
  if (branch !== undefined && branch !== '' && remote !== undefined && remote !== '') {
    return {
      members: [{ refs: [], names: [branch] }],
      exclude: { refs: [`--remotes=${remote}`], names: [] },
      filters: [],
      pathspecs: [],
      label: 'the pushed commits',
    };
  }
  throw new KeyguardError(
    'USAGE',
    "'--pre-push' needs PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF, or PRE_COMMIT_LOCAL_BRANCH and PRE_COMMIT_REMOTE_NAME (set by pre-commit's pre-push stage)",
  );
}

/**
 * Takes `--all`, `--branches[=<glob>]`, `--tags[=…]`, `--remotes[=…]` and `--log-opts <options>`
 * out of the command line before the flag parser sees it: it has no optional values, and refuses
 * a value that starts with '-' (which every --log-opts value does).
 */
function takeGitFlags(
  argv: readonly string[],
  valued: ReadonlySet<string>,
): { rest: string[]; refs: string[]; logOpts: string[] } {
  const rest: string[] = [];
  const refs: string[] = [];
  const logOpts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (REF_FLAG.test(a)) {
      refs.push(a);
      continue;
    }
    if (a.startsWith('--log-opts=')) {
      logOpts.push(a.slice('--log-opts='.length));
      continue;
    }
    if (a === '--log-opts') {
      const value = argv[++i];
      if (value === undefined)
        throw new KeyguardError('USAGE', "option '--log-opts' needs a value");
      logOpts.push(value);
      continue;
    }
    rest.push(a);
    if (valued.has(a) && i + 1 < argv.length) rest.push(argv[++i] as string);
  }
  return { rest, refs, logOpts };
}

const OPTIONS = {
  ...SCAN_OPTIONS,
  since: { type: 'string' },
  until: { type: 'string' },
  author: { type: 'string', multiple: true },
  'max-count': { type: 'string', short: 'n' },
  'pre-push': { type: 'boolean' },
  'no-cache': { type: 'boolean' },
} as const;

/** Flags that take their value as the next argument (`--config x`, `-n 5`). */
const VALUED = new Set(
  Object.entries(OPTIONS).flatMap(([name, spec]) =>
    spec.type === 'string'
      ? [`--${name}`, ...('short' in spec && spec.short !== undefined ? [`-${spec.short}`] : [])]
      : [],
  ),
);

function describe(
  revisions: readonly string[],
  refs: readonly string[],
  logOpts: readonly string[],
  values: Parsed['values'],
  pathspecs: readonly string[],
): string {
  const parts = [...revisions, ...refs];
  for (const o of logOpts) parts.push(`--log-opts '${o}'`);
  let label = parts.length === 0 ? 'all refs' : parts.join(' ');
  const since = stringOption(values, 'since');
  const until = stringOption(values, 'until');
  const n = stringOption(values, 'max-count');
  if (since !== undefined) label += ` since ${since}`;
  if (until !== undefined) label += ` until ${until}`;
  for (const a of listOption(values, 'author')) label += ` by ${a}`;
  if (n !== undefined) label += ` (newest ${n})`;
  if (pathspecs.length > 0) label += ` -- ${pathspecs.join(' ')}`;
  return label;
}

function selectionOf(io: CommandIo, argv: readonly string[]) {
  const { rest, refs, logOpts } = takeGitFlags(argv, VALUED);
  const parsed = parseOptions(rest, OPTIONS, 'history');
  const { values, positionals } = parsed;
  const cut = parsed.beforeDashDash ?? positionals.length;
  const words = positionals.slice(0, cut);
  const pathspecs = positionals.slice(cut);
  // `keyguard history <url> [<revision>...]`: the first word may name a repository to clone.
  const first = words[0];
  const location =
    first === undefined ? undefined : isRepositoryUrl(first) ? first : localRepository(io, first);
  const revisions = location === undefined ? words : words.slice(1);
  if (values['pre-push'] === true) {
    if (positionals.length > 0 || refs.length > 0 || logOpts.length > 0) {
      throw new KeyguardError('USAGE', "'--pre-push' takes its range from the environment");
    }
    const update = prePushUpdate(io.env);
    if (update !== undefined) return { values, selection: undefined, update };
    return {
      values,
      selection: prePushBranchSelection(io.env),
      update: undefined,
      location: undefined,
    };
  }
  const tokens = [...revisions, ...refs];
  const since = stringOption(values, 'since');
  const until = stringOption(values, 'until');
  const n = stringOption(values, 'max-count');
  if (since !== undefined) tokens.push(`--since=${since}`);
  if (until !== undefined) tokens.push(`--until=${until}`);
  for (const a of listOption(values, 'author')) tokens.push(`--author=${a}`);
  if (n !== undefined) tokens.push(`--max-count=${n}`);
  tokens.push('--', ...pathspecs);
  const selection = parseHistorySelection({
    tokens,
    logOpts,
    label:
      (location === undefined ? '' : `${redactUrl(location)}: `) +
      describe(revisions, refs, logOpts, values, pathspecs),
  });
  return { values, selection, update: undefined, location };
}

/**
 * The local repository a first word names, as an absolute path, when it is spelled as a path
 * (`/srv/x.git`, `./x`, `../x`, `~/x`) and is a folder: a bare word is a revision, as in git.
 */
function localRepository(io: CommandIo, word: string): string | undefined {
  if (!/^(?:\/|\.\.?\/|~\/)/.test(word)) return undefined;
  const path = word.startsWith('~/')
    ? join(io.env.HOME ?? '', word.slice(2))
    : resolve(io.cwd, word);
  try {
    // Absolute: the clone runs in its temporary folder.
    return statSync(path).isDirectory() ? path : undefined;
  } catch {
    return undefined;
  }
}

interface Walked {
  readonly cwd: string;
  readonly shallow: boolean;
  readonly root: string;
  readonly configRoot?: string | false;
  /** A local repository's cache (never a temporary clone's: it is removed after the scan). */
  readonly historyCache?: ReturnType<typeof historyCacheSettings>;
}

async function scanSelection(
  io: CommandIo,
  values: Parsed['values'],
  selection: HistorySelection,
  where: Walked,
): Promise<number> {
  const extra: Record<string, string | number | boolean> = { partial: false };
  if (where.shallow) {
    extra.partial = true;
    extra.partialReason =
      'shallow clone: commits before the shallow boundary are missing and were not scanned';
  }
  const resolved = await resolveHistory(where.cwd, selection);
  const objects = await historyRefObjects(where.cwd, selection);
  if (resolved.total === 0 && objects.length === 0) {
    io.stderr.write(
      `keyguard: warning: '${escapeControl(shownName(selection.label))}' selects no commits: nothing was scanned\n`,
    );
  }
  const progress = createProgressLine(io.stderr, io.env, 'keyguard history: commits');
  try {
    return await executeScan(io, values, {
      target: {
        mode: 'history',
        cwd: where.cwd,
        revisions: resolved.revisions,
        ...(resolved.input === undefined ? {} : { input: resolved.input }),
        ...(resolved.commits === undefined ? {} : { commits: resolved.commits }),
        pathspecs: resolved.pathspecs,
        ...(objects.length === 0 ? {} : { objects }),
        rangeLabel: selection.label,
        total: resolved.total,
        shallow: where.shallow,
        extraCoverage: extra,
        onProgress: (p) =>
          progress.update(
            p.commits,
            p.total,
            `${p.blobs} blobs, ${Math.round(p.bytes / 1048576)} MiB`,
          ),
      },
      root: where.root,
      ...(where.configRoot === undefined ? {} : { configRoot: where.configRoot }),
      ...(where.historyCache === undefined ? {} : { historyCache: where.historyCache }),
    });
  } finally {
    progress.done();
  }
}

export async function runHistory(io: CommandIo): Promise<number> {
  const { values, selection, update, location } = selectionOf(io, io.argv);
  if (values.help === true) {
    io.stdout.write(HELP);
    return 0;
  }
  if (update !== undefined) {
    // The same plan as git's own pre-push hook: what the remote is not known to have.
    const name = io.env.PRE_COMMIT_REMOTE_NAME ?? '';
    return scanPush(io, values, [update], { name, url: io.env.PRE_COMMIT_REMOTE_URL ?? name });
  }
  if (selection === undefined) return 0;
  if (location !== undefined) {
    let unregister: (() => boolean) | (() => void) = () => undefined;
    const clone = await cloneForScan(location, {
      mode: 'history',
      onRemovable: (remove) => {
        unregister = io.onInterrupt?.(remove) ?? (() => undefined);
      },
    });
    try {
      // The clone's own .keyguard.json and baseline are not used: a repository being audited does
      // not get to allowlist itself. --config, --rules and --baseline files still apply.
      return await scanSelection(io, values, selection, {
        cwd: clone.dir,
        shallow: false,
        root: clone.dir,
        configRoot: false,
      });
    } finally {
      clone.remove();
      unregister();
    }
  }
  const [info, place] = await Promise.all([readRepoInfo(io.cwd), workTreeOf(io.cwd)]);
  // git runs at the top level: pathspecs typed in a subfolder are rewritten to mean the same there.
  const here = {
    ...selection,
    pathspecs: pathspecsFromFolder(place?.prefix ?? '', selection.pathspecs),
  };
  const cache = values['no-cache'] === true ? undefined : historyCacheSettings(io);
  return scanSelection(io, values, here, {
    cwd: info.top,
    shallow: info.shallow,
    root: info.top,
    ...(cache === undefined ? {} : { historyCache: cache }),
  });
}
