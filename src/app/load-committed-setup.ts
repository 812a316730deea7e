import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { BASELINE_FILE_NAME, baselineFromText } from '../config/load-baseline.js';
import {
  CONFIG_FILE_NAME,
  configFromText,
  placeText,
  resolveConfig,
} from '../config/load-config.js';
import type { CommitFiles } from '../git/commit-files.js';
import type { ValuePlace } from '../model/config.js';
import { isKeyguardError, KeyguardError } from '../model/errors.js';
import type { Baseline } from '../model/finding.js';
import type { PackSource } from '../rules/compile-pack.js';
import { rulePackFromText } from '../rules/load-pack.js';
import { readRegularFile } from '../schema/read-regular-file.js';
import { compileSetup, type LoadedSetup } from './create-scan-setup.js';

export interface CommittedSetupOptions {
  /** The work tree's top level: configuration paths under it are read from `files`. */
  readonly root: string;
  /** The commit the configuration comes from (the pull request's base, the default branch). */
  readonly files: CommitFiles;
  /** How messages name that commit: `base commit` → `.keyguard.json (base commit 1a2b3c4d5e6f)`. */
  readonly role: string;
  /** The configuration file, absolute; default `<root>/.keyguard.json` (none there: defaults). */
  readonly configFile?: string;
  /** The baseline, absolute; default the config's `baseline`, else `.keyguard-baseline.json` when the commit has one. */
  readonly baselineFile?: string;
  /** Extra rule packs, absolute, on top of the config's. */
  readonly rulePacks?: readonly string[];
  readonly today: string;
}

export interface CommittedSetup {
  readonly setup: LoadedSetup;
  readonly baseline?: Baseline;
  /**
   * Repository-relative paths whose content in the commit decided this setup, whether the commit
   * has them or not: the configuration, the baseline, every rule pack.
   */
  readonly paths: readonly string[];
}

/** `a/b.json` for a path under root, undefined for one outside it. */
function inRepository(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/**
 * The configuration, baseline and rule packs as a commit holds them, never as the work tree has
 * them: what a pull request's base (or a repository's default branch) says, whatever the checkout
 * now contains. Files are read through the git layer (`commitFiles`) and go through the same
 * validators as files on disk (`configFromText`, `rulePackFromText`, `baselineFromText`) and the
 * same compilation (`compileSetup`). A path the configuration names outside the repository is
 * not the commit's business: it is read from disk, as the workflow or the base commit set it.
 */
export async function loadCommittedSetup(options: CommittedSetupOptions): Promise<CommittedSetup> {
  const root = resolve(options.root);
  const short = options.files.commit.slice(0, 12);
  const paths: string[] = [];
  const label = (file: string) => {
    const rel = inRepository(root, file);
    return rel === undefined ? file : `${rel} (${options.role} ${short})`;
  };
  const read = async (file: string): Promise<string | undefined> => {
    const rel = inRepository(root, file);
    if (rel === undefined) {
      try {
        const text = readRegularFile(file);
        if (text === undefined)
          throw new KeyguardError('CONFIG_INVALID', `${file}: not a regular file: not read`);
        return text;
      } catch (error) {
        if (isKeyguardError(error)) throw error;
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new KeyguardError('CONFIG_INVALID', `${file}: cannot be read`, { cause: error });
      }
    }
    if (!paths.includes(rel)) paths.push(rel);
    return (await options.files.read(rel))?.toString('utf8');
  };
  const must = async (
    file: string,
    code: 'CONFIG_INVALID' | 'RULE_PACK_INVALID' | 'BASELINE_INVALID',
    /** Where the config names the file, and what it is: named instead of the path (a config value). */
    named?: { place: ValuePlace; what: string },
  ) => {
    const text = await read(file);
    if (text === undefined)
      throw new KeyguardError(
        code,
        named === undefined
          ? `${label(file)}: file not found`
          : `${placeText(named.place, label)}: ${named.what} file not found`,
      );
    return text;
  };
  const placed = (place: ValuePlace | undefined, what: string) =>
    place === undefined ? undefined : { place, what };

  const configFile = options.configFile ?? join(root, CONFIG_FILE_NAME);
  const configText =
    options.configFile === undefined
      ? await read(configFile)
      : await must(configFile, 'CONFIG_INVALID');
  const config =
    configText === undefined
      ? resolveConfig({}, undefined, options.today)
      : await configFromText(configText, configFile, options.today, {
          // What it extends is read like the config itself: from the commit when in the repository.
          read,
          label,
          committed: true,
        });

  const user: PackSource[] = [];
  for (const [i, file] of [...config.rulePacks, ...(options.rulePacks ?? [])].entries()) {
    const named = placed(config.rulePackPlaces?.[i], 'rule pack');
    user.push({
      spec: await rulePackFromText(await must(file, 'RULE_PACK_INVALID', named), label(file)),
      file,
    });
  }

  const named = options.baselineFile ?? config.baseline;
  const baselineFile = named ?? join(root, BASELINE_FILE_NAME);
  const baselineText =
    named === undefined
      ? await read(baselineFile)
      : await must(
          baselineFile,
          'BASELINE_INVALID',
          // --baseline is the user's own path; only the config's is a config value.
          options.baselineFile === undefined ? placed(config.baselinePlace, 'baseline') : undefined,
        );
  const baseline =
    baselineText === undefined ? undefined : baselineFromText(baselineText, label(baselineFile));

  return {
    setup: compileSetup(config, user),
    ...(baseline === undefined ? {} : { baseline }),
    paths,
  };
}
