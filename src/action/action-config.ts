import { configChanges } from '../app/config-changes.js';
import type { LoadedSetup } from '../app/create-scan-setup.js';
import { loadCommittedSetup } from '../app/load-committed-setup.js';
import { commitFiles } from '../git/commit-files.js';
import type { Baseline } from '../model/finding.js';
import type { ResolvedTarget } from './resolve-range.js';
import type { ScanRequest } from './scan-request.js';

export const CONFIG_FROM = ['base', 'head'] as const;
export type ConfigFrom = (typeof CONFIG_FROM)[number];

export interface ActionConfigOptions {
  readonly root: string;
  readonly today: string;
  readonly request: ScanRequest;
  readonly target: ResolvedTarget;
  readonly configFrom: ConfigFrom;
  /** The `config` and `baseline` inputs, absolute. */
  readonly configFile?: string;
  readonly baselineFile?: string;
}

export interface ActionConfig {
  /**
   * Config and packs read from a commit, with its baseline; undefined when the run uses the
   * checkout (the scan then loads them as the CLI does, honouring the `config` and `baseline` inputs).
   */
  readonly committed?: { readonly setup: LoadedSetup; readonly baseline?: Baseline };
  /** Where the configuration came from, in words. */
  readonly from: string;
  /** Configuration files (repository paths) the scanned commits change, whose change was not applied. */
  readonly notApplied: readonly string[];
}

/**
 * The configuration, baseline and rule packs a run applies. For commits (a pull request, a push)
 * they come from the base commit by default, read from git's objects: the commits under review
 * cannot switch their own check off by editing `.keyguard.json`, the baseline or a rule pack;
 * such edits are listed in `notApplied`. `config-from: head` takes the head commit's instead.
 * Whole-tree scans (schedule, dispatch) have no base: they use the checkout.
 */
export async function loadActionConfig(options: ActionConfigOptions): Promise<ActionConfig> {
  const { request, target } = options;
  if (target.kind !== 'history' || (request.kind !== 'range' && request.kind !== 'branch'))
    return { from: 'the checkout', notApplied: [] };
  const useHead = options.configFrom === 'head';
  // A pushed tag's head may be a tag object or a blob: the commit it stands for, if any.
  const headCommit = target.configHead ?? request.head;
  const revision = useHead ? headCommit : target.configBase;
  if (revision === undefined)
    return { from: 'the checkout (this event has no base commit)', notApplied: [] };
  const files = await commitFiles(options.root, revision);
  const role = useHead
    ? 'head commit'
    : revision.startsWith('refs/')
      ? 'default branch at'
      : 'base commit';
  const common = {
    root: options.root,
    today: options.today,
    ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
    ...(options.baselineFile === undefined ? {} : { baselineFile: options.baselineFile }),
  };
  const loaded = await loadCommittedSetup({ ...common, files, role });
  const from = `the ${role} ${files.commit.slice(0, 12)} (config-from: ${options.configFrom})`;
  const committed = {
    setup: loaded.setup,
    ...(loaded.baseline === undefined ? {} : { baseline: loaded.baseline }),
  };
  if (useHead || target.commits === 0) return { committed, from, notApplied: [] };
  // What the head would have used: its own configuration and whatever that one names.
  const head = await commitFiles(options.root, headCommit);
  const headPaths = await loadCommittedSetup({ ...common, files: head, role: 'head commit' }).then(
    (h) => h.paths,
    () => [],
  );
  const notApplied = await configChanges(files, head, [...loaded.paths, ...headPaths]);
  return { committed, from, notApplied };
}
