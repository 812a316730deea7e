import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BASELINE_FILE_NAME, loadBaseline } from '../config/load-baseline.js';
import { placeText } from '../config/load-config.js';
import { createCredentialCollector } from '../engine/collect-credentials.js';
import { baselineHashing } from '../filters/baseline-hashing.js';
import { keepVerified } from '../filters/only-verified.js';
import { gitCommonDir } from '../git/git-common-dir.js';
import { startUntracked, type UntrackedListing } from '../git/list-tree-files.js';
import { listParentsFirst } from '../git/rev-list.js';
import type { StagedChange } from '../git/staged-changes.js';
import type { SourceKind } from '../model/chunk.js';
import type { CleanBlobs } from '../model/clean-blobs.js';
import type { EngineHashing, ValuePlace } from '../model/config.js';
import { KeyguardError } from '../model/errors.js';
import type { Baseline, BaselineEntry, Severity } from '../model/finding.js';
import { type Incomplete, UNREAD_REASONS } from '../model/outcome.js';
import type { RefObject } from '../model/ref-object.js';
import type { Source } from '../model/source.js';
import { decideVerdict, type Verdict } from '../model/verdict.js';
import type { ReaderOptions } from '../sources/content-reader.js';
import {
  createHistorySource,
  type HistoryProgress,
  type HistorySource,
} from '../sources/history-source.js';
import { createStagedSource } from '../sources/staged-source.js';
import { createStdinSource } from '../sources/stdin-source.js';
import { createTreeSource } from '../sources/tree-source.js';
import type { VerifyOptions } from '../verify/verify-credential.js';
import { assessScan } from './assess-scan.js';
import type { ParallelPlan, WorkerPool } from './collect-parallel.js';
import { createScanSetup, type LoadedSetup, packByteFilter } from './create-scan-setup.js';
import { type HistoryCache, historySetupHash, openHistoryCache } from './history-cache.js';
import { mergeHistoryFindings } from './merge-history-findings.js';
import { runScan, type ScanResult } from './run-scan.js';
import { shownOutcome } from './shown-outcome.js';

/** What to read: one variant per mode. */
export type ScanTarget =
  | {
      readonly mode: 'tree';
      readonly cwd: string;
      /** Files and folders as the user named them (default: the current folder). */
      readonly paths: readonly string[];
      /**
       * `--respect-gitignore`: a folder outside git skips what its `.gitignore` files exclude.
       * Off by default: outside git nothing protects an ignored file (a build context ships it).
       */
      readonly gitignore?: boolean;
      /**
       * `--no-ignore`: every file under the paths, as outside git, inside a repository too: no
       * listing by git, no ignore rule (a folder can carry a `.git` whose exclude file hides all).
       */
      readonly noIgnore?: boolean;
    }
  | {
      readonly mode: 'stdin';
      readonly input: AsyncIterable<Buffer> | Buffer;
      readonly path?: string;
    }
  | {
      readonly mode: 'staged';
      readonly cwd: string;
      /** The work tree's top folder (staged files whose bytes are the staged blob are read there). */
      readonly top: string;
      readonly changes?: readonly StagedChange[];
    }
  | {
      readonly mode: 'history';
      readonly cwd: string;
      /** `git log` revision arguments; none means nothing to scan (a deleted branch). */
      readonly revisions: readonly string[];
      /** Revision names for git's standard input, when `revisions` holds `--stdin`. */
      readonly input?: string;
      /** Exactly these commits, parents first (a union of ranges; see resolveHistory). */
      readonly commits?: readonly string[];
      /** Only changes under these paths. */
      readonly pathspecs?: readonly string[];
      /** Objects refs bring in outside any commit's changes (annotated tags, bare blobs). */
      readonly objects?: readonly RefObject[];
      /** Names a push writes besides its files' (the refs it sets): scanned as text. */
      readonly names?: readonly string[];
      readonly rangeLabel: string;
      /** Commits the revisions select, for progress. */
      readonly total: number;
      /** The clone is shallow: history before its boundary is missing. */
      readonly shallow?: boolean;
      readonly extraCoverage?: Readonly<Record<string, string | number | boolean>>;
      readonly onProgress?: (progress: HistoryProgress) => void;
    };

export type BaselineChoice =
  | { readonly kind: 'default' }
  | { readonly kind: 'none' }
  | { readonly kind: 'file'; readonly file: string }
  | {
      readonly kind: 'entries';
      readonly entries: readonly BaselineEntry[];
      /** The baseline's HMAC key, when it has one (version 2). */
      readonly key?: string;
    };

export interface ScanOptions {
  /** Where `.keyguard.json` and the default baseline are looked for (the repository's top). */
  readonly root: string;
  /**
   * Where `.keyguard.json` and the default baseline are looked for, when not `root`; `false`: in no
   * folder. Someone else's repository (a clone, a checkout scanned from outside it, an audit)
   * does not get to configure, allowlist or baseline its own scan.
   */
  readonly configRoot?: string | false;
  /** Today as YYYY-MM-DD (allowlist expiry). */
  readonly today: string;
  readonly configFile?: string;
  readonly rulePacks?: readonly string[];
  /** Config and packs already loaded elsewhere (the Action reads them from the base commit). */
  readonly setup?: LoadedSetup;
  readonly baseline?: BaselineChoice;
  /**
   * How values are hashed, instead of the baseline's key and entries (`keyguard baseline`: the
   * key the new file will hold, and the old file's plain hashes to recognise).
   */
  readonly hashing?: EngineHashing;
  /** `--max-file-size`: over it, a file is a skip (the config's `maxFileSize` otherwise; no limit by default). */
  readonly maxFileSize?: number;
  /** `--fail-on` (the config's `failOn` otherwise; `low` by default). */
  readonly failOn?: Severity;
  /** `--allow-partial`: an incomplete scan exits by its findings (the config's `allowPartial` too). */
  readonly allowPartial?: boolean;
  readonly failOnStale?: boolean;
  /** `--no-other-markers`: only `keyguard:allow` suppresses inline (the config's `otherMarkers` otherwise). */
  readonly otherMarkers?: boolean;
  /** Which repository paths the scan covered, for stale baseline entries (tree scans know). */
  readonly covers?: (path: string) => boolean;
  /** The user's own configuration file (`~/.config/keyguard/config.json`): it can only tighten. */
  readonly userConfig?: string;
  /** `--verify`: ask STS about every pair found (scans on one thread). */
  readonly verify?: VerifyOptions;
  /** `--only-verified`: report only findings `--verify` found live (or could not settle). */
  readonly onlyVerified?: boolean;
  /**
   * History scans only: remember blobs read clean in the repository's history cache, and skip
   * those an earlier scan with the same rules remembered. Absent: no cache (`--no-cache`, gates).
   */
  readonly historyCache?: {
    /** 32 secret bytes from the user's private folder: the cache file's HMAC key. */
    readonly hmacKey: Buffer;
    /** Identifies keyguard's own code (a new build starts a new cache). */
    readonly build: string;
  };
  /** Threads for tree scans, when the worker script is built. */
  readonly threads?: {
    readonly workerScript: string;
    /** Arguments for the worker entry (see WorkerPool). */
    readonly workerArgv?: readonly string[];
    readonly jobs: number;
    readonly force: boolean;
    /** Files git's index lists at `root`, when the CLI could tell: a large tree starts workers early. */
    readonly indexedFiles?: number;
  };
}

export interface ScanReport {
  readonly setup: LoadedSetup;
  /** The outcome, with its verdict: every report's headline follows `verdict`. */
  readonly outcome: ScanResult & { readonly verdict: Verdict };
  readonly failOn: Severity;
  /** `outcome.verdict.exitCode`: one decision for the exit code and every headline. */
  readonly exitCode: 0 | 1 | 2;
}

/** A tree with fewer files than this is read on one thread: a worker's start costs more. */
const PARALLEL_MIN_FILES = 1000;

const EMPTY_SOURCE: Source = {
  async read() {
    // Nothing to scan: a deleted branch, or base and head are the same commit.
  },
};

async function baselineFor(
  choice: BaselineChoice,
  root: string | undefined,
  configured: string | undefined,
  /** Where the config names it: messages name that place, not the path. */
  place: ValuePlace | undefined,
): Promise<Baseline | undefined> {
  if (choice.kind === 'none') return undefined;
  if (choice.kind === 'entries') {
    return choice.key === undefined
      ? { version: 1, entries: choice.entries }
      : { version: 2, key: choice.key, entries: choice.entries };
  }
  if (choice.kind === 'file') return loadBaseline(choice.file);
  if (configured !== undefined)
    return loadBaseline(
      configured,
      place === undefined ? undefined : { at: placeText(place), what: 'baseline' },
    );
  if (root === undefined) return undefined;
  const fallback = join(root, BASELINE_FILE_NAME);
  return existsSync(fallback) ? loadBaseline(fallback) : undefined;
}

/** What the scan left unread, if anything (skips that leave content unread, a partial history). */
function incompleteOf(result: ScanResult, accepted: boolean): Incomplete | undefined {
  const unread = result.skipped.filter((s) => UNREAD_REASONS.has(s.reason));
  const partialHistory = result.coverage?.partial === true;
  if (unread.length === 0 && !partialHistory) return undefined;
  return {
    unread: unread.length,
    bytes: unread.reduce((n, s) => n + (s.bytes ?? 0), 0),
    accepted,
  };
}

function sourceFor(
  target: ScanTarget,
  root: string,
  read: Omit<ReaderOptions, 'source'>,
  allowPartial: boolean,
  cleanBlobs: CleanBlobs | undefined,
  untracked: UntrackedListing | undefined,
): { source: Source; history?: HistorySource } {
  switch (target.mode) {
    case 'tree':
      return {
        source: createTreeSource({
          paths: target.paths,
          cwd: target.cwd,
          root,
          read,
          ...(untracked === undefined ? {} : { untracked }),
          ...(target.gitignore === true ? { gitignore: true } : {}),
          ...(target.noIgnore === true ? { noIgnore: true } : {}),
        }),
      };
    case 'stdin':
      return { source: createStdinSource(target.input, read, target.path) };
    case 'staged':
      return {
        source: createStagedSource({
          cwd: target.cwd,
          read,
          workTree: target.top,
          ...(target.changes === undefined ? {} : { changes: target.changes }),
        }),
      };
    case 'history': {
      const listed = target.commits;
      const objects = target.objects ?? [];
      const names = target.names ?? [];
      // Every commit remembered by the history cache: walked as none, but reported as a history.
      const fromCache = Number(target.extraCoverage?.commitsFromCache ?? 0) > 0;
      const noCommits =
        target.total === 0 ||
        (listed === undefined ? target.revisions.length === 0 : listed.length === 0);
      if (noCommits && objects.length === 0 && names.length === 0 && fromCache) {
        return {
          source: createHistorySource({
            cwd: target.cwd,
            revisions: [],
            commits: [],
            rangeLabel: target.rangeLabel,
            total: target.total,
            read,
            ...(cleanBlobs === undefined ? {} : { cleanBlobs }),
            commitsFromCache: Number(target.extraCoverage?.commitsFromCache ?? 0),
            ...(target.extraCoverage === undefined ? {} : { extraCoverage: target.extraCoverage }),
          }),
        };
      }
      if (noCommits && objects.length === 0 && names.length === 0) {
        // Nothing to walk, and the report says so: a range of no commits, fully covered.
        const coverage = {
          range: target.rangeLabel,
          commits: 0,
          commitsInRange: 0,
          ...target.extraCoverage,
        };
        return { source: { ...EMPTY_SOURCE, coverage: () => coverage } };
      }
      const history = createHistorySource({
        cwd: target.cwd,
        revisions: target.revisions,
        ...(target.input === undefined ? {} : { input: target.input }),
        // No commits but pushed objects or names: an empty list walks nothing (never git's
        // default, HEAD).
        ...(noCommits ? { commits: [] } : listed === undefined ? {} : { commits: listed }),
        ...(objects.length === 0 ? {} : { objects }),
        ...(names.length === 0 ? {} : { names }),
        ...(target.pathspecs === undefined ? {} : { pathspecs: target.pathspecs }),
        rangeLabel: target.rangeLabel,
        total: target.total,
        read,
        allowPartial,
        ...(cleanBlobs === undefined ? {} : { cleanBlobs }),
        commitsFromCache: Number(target.extraCoverage?.commitsFromCache ?? 0),
        ...(target.onProgress === undefined ? {} : { onProgress: target.onProgress }),
        ...(target.extraCoverage === undefined ? {} : { extraCoverage: target.extraCoverage }),
      });
      return { source: history, history };
    }
  }
}

/** The repository's history cache; a repository git cannot place means no cache, not an error. */
async function openCache(
  cwd: string,
  settings: NonNullable<ScanOptions['historyCache']>,
  setup: LoadedSetup,
  facts: { readonly maxFileSize: number | undefined; readonly otherMarkers: boolean },
): Promise<HistoryCache | undefined> {
  let gitDir: string;
  try {
    gitDir = await gitCommonDir(cwd);
  } catch {
    return undefined;
  }
  return openHistoryCache({
    gitDir,
    hmacKey: settings.hmacKey,
    setupHash: historySetupHash(setup, {
      build: settings.build,
      ...(facts.maxFileSize === undefined ? {} : { maxFileSize: facts.maxFileSize }),
      otherMarkers: facts.otherMarkers,
    }),
  });
}

/**
 * The history target without the commits the cache remembers (their message and every blob they
 * bring in reached nothing): the walk lists only the rest. Nothing is listed when the cache
 * remembers no commit: then git log streams the selection as it always does.
 */
async function skipKnownCommits(
  target: Extract<ScanTarget, { mode: 'history' }>,
  cache: HistoryCache,
): Promise<Extract<ScanTarget, { mode: 'history' }>> {
  const nothing = target.commits === undefined && target.revisions.length === 0;
  let commits = target.commits;
  let fromCache = 0;
  if (cache.commits > 0 && target.total > 0 && !nothing) {
    const all =
      target.commits ??
      (await listParentsFirst(
        target.cwd,
        { args: target.revisions, input: target.input ?? '' },
        target.pathspecs ?? [],
        target.rangeLabel,
      ));
    commits = all.filter((id) => !cache.hasCommit(id));
    fromCache = all.length - commits.length;
  }
  return {
    ...target,
    ...(commits === undefined ? {} : { commits }),
    extraCoverage: { ...target.extraCoverage, cache: cache.state, commitsFromCache: fromCache },
  };
}

/** History findings once per secret and path, attributed to the commit that introduced it. */
function finishHistory(result: ScanResult, history: HistorySource | undefined): ScanResult {
  if (history === undefined) return result;
  const merged = mergeHistoryFindings(result, (sha, path) => history.attribution(sha, path));
  // The source yields only content that may hold a secret; what it read is in its coverage.
  const cov = result.coverage ?? {};
  return {
    ...merged,
    stats: {
      ...merged.stats,
      files: Number(cov.files ?? merged.stats.files),
      bytes: Number(cov.bytes ?? merged.stats.bytes),
      commits: Number(cov.commits ?? 0),
      blobs: Number(cov.blobs ?? 0),
    },
  };
}

/**
 * The one way to run a scan, for every mode and the Action: set up (config, rule packs, baseline),
 * read the target through the one reader, detect, filter, assess (and verify, when asked), and
 * decide the exit code. Callers parse their input and render the outcome; nothing else.
 */
export async function scan(target: ScanTarget, options: ScanOptions): Promise<ScanReport> {
  const early = await earlyStart(target, options);
  try {
    return await scanWith(target, options, early);
  } finally {
    early?.pool.close();
  }
}

/** What a whole large tree's scan starts before its config is read and its files are listed. */
interface EarlyStart {
  readonly pool: WorkerPool;
  /** Git's untracked listing, forked before the workers exist (see startUntracked). */
  readonly untracked?: UntrackedListing;
}

/**
 * Workers for a whole large tree, started before the config is read and the files are listed, so
 * their start overlaps both. Only when the tree will be read on several threads anyway: `--jobs`
 * given, or git's index at the root (the whole tree is scanned) listing enough files.
 */
async function earlyStart(
  target: ScanTarget,
  options: ScanOptions,
): Promise<EarlyStart | undefined> {
  const threads = options.threads;
  if (target.mode !== 'tree' || threads === undefined || threads.jobs < 2) return undefined;
  if (options.verify !== undefined) return undefined;
  const dir = resolve(target.cwd, target.paths[0] ?? '.');
  // The index's header was read as a regular file (not a FIFO git would wait on) to count these.
  const indexed =
    target.paths.length <= 1 &&
    dir === options.root &&
    (threads.indexedFiles ?? 0) >= PARALLEL_MIN_FILES;
  if (!threads.force && !indexed) return undefined;
  const untracked = indexed && target.noIgnore !== true ? startUntracked(dir) : undefined;
  const { startWorkers } = await import('./collect-parallel.js');
  const pool = startWorkers(threads.workerScript, threads.jobs - 1, threads.workerArgv);
  return { pool, ...(untracked === undefined ? {} : { untracked }) };
}

async function scanWith(
  target: ScanTarget,
  options: ScanOptions,
  early: EarlyStart | undefined,
): Promise<ScanReport> {
  const pool = early?.pool;
  const started = Date.now();
  const configHome =
    options.configRoot === false ? undefined : (options.configRoot ?? options.root);
  const setup =
    options.setup ??
    (await createScanSetup({
      ...(configHome === undefined ? {} : { root: configHome }),
      today: options.today,
      ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
      ...(options.rulePacks === undefined ? {} : { rulePacks: options.rulePacks }),
      ...(options.userConfig === undefined ? {} : { userConfig: options.userConfig }),
    }));
  const config = setup.config.config;
  const failOn = options.failOn ?? config.failOn ?? 'low';
  const allowPartial = options.allowPartial === true || config.allowPartial === true;
  const maxFileSize = options.maxFileSize ?? config.maxFileSize;
  const otherMarkers = options.otherMarkers ?? config.otherMarkers ?? true;
  if (target.mode === 'history' && target.shallow === true && !allowPartial) {
    throw new KeyguardError(
      'GIT_FAILED',
      'shallow clone: commits before the shallow boundary are missing; fetch the full history (git fetch --unshallow, or fetch-depth: 0 in CI) or pass --allow-partial',
    );
  }
  const baseline = await baselineFor(
    options.baseline ?? { kind: 'default' },
    configHome,
    setup.config.baseline,
    setup.config.baselinePlace,
  );
  const read = {
    filter: packByteFilter(setup.pack),
    ...(maxFileSize === undefined ? {} : { maxFileSize }),
  };
  const cache =
    target.mode === 'history' && options.historyCache !== undefined
      ? await openCache(target.cwd, options.historyCache, setup, { maxFileSize, otherMarkers })
      : undefined;
  const aimed =
    target.mode === 'history' && cache !== undefined
      ? await skipKnownCommits(target, cache)
      : target;
  const { source, history } = sourceFor(
    aimed,
    options.root,
    read,
    allowPartial,
    cache,
    early?.untracked,
  );
  // --verify: raw pairs are collected on this thread (workers cannot hand them back).
  const collector = options.verify === undefined ? undefined : createCredentialCollector();
  const threads = options.threads;
  const parallel: ParallelPlan | undefined =
    target.mode === 'tree' && threads !== undefined && threads.jobs > 1 && collector === undefined
      ? {
          workerScript: threads.workerScript,
          ...(threads.workerArgv === undefined ? {} : { workerArgv: threads.workerArgv }),
          ...(pool === undefined ? {} : { pool }),
          jobs: threads.jobs,
          minFiles: threads.force ? 0 : PARALLEL_MIN_FILES,
          read,
          packSources: setup.packSources,
          compileOptions: setup.compileOptions,
        }
      : undefined;
  // Guessable values are hashed with the baseline's key (or not at all), never plainly.
  const hashing = options.hashing ?? baselineHashing(baseline);
  const scanned = await runScan(
    source,
    target.mode as SourceKind,
    {
      ...setup,
      config: {
        ...setup.config,
        engineAllow: {
          ...setup.config.engineAllow,
          hashing,
          ...(otherMarkers ? {} : { otherMarkers: false }),
        },
      },
      ...(baseline === undefined ? {} : { baseline: baseline.entries }),
      ...(collector === undefined ? {} : { collector }),
    },
    parallel,
  );
  // Saved only after the whole walk: a scan that failed part-way remembers nothing.
  const cacheWarnings = [cache?.problem, cache?.save()]
    .filter((m) => m !== undefined)
    .map((message) => ({ code: 'CACHE', message }));
  const assessed = await assessScan(finishHistory(scanned, history), {
    today: options.today,
    ...(config.accounts === undefined ? {} : { accounts: config.accounts }),
    ...(options.verify === undefined || collector === undefined
      ? {}
      : { verify: { collector, options: options.verify } }),
  });
  const kept = options.onlyVerified === true ? keepVerified(assessed) : assessed;
  const covers = options.covers;
  const stale = covers === undefined ? [] : kept.staleBaseline.filter((e) => covers(e.path));
  const incomplete = incompleteOf(kept, allowPartial);
  const outcome: ScanResult = {
    ...kept,
    // The whole scan, verification included: a slow STS shows in the time reported.
    stats: { ...kept.stats, durationMs: Date.now() - started },
    staleBaseline: stale,
    ...(cacheWarnings.length === 0 ? {} : { warnings: [...kept.warnings, ...cacheWarnings] }),
    ...(incomplete === undefined ? {} : { incomplete }),
  };
  const verdict = decideVerdict(outcome, { failOn, failOnStale: options.failOnStale === true });
  // Every consumer (reports, baselines, audit, the Action) gets the names as they may be shown.
  const shown = shownOutcome({ ...outcome, verdict });
  return { setup, outcome: shown, failOn, exitCode: verdict.exitCode };
}
