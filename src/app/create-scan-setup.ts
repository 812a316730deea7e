import { loadConfig, placeText } from '../config/load-config.js';
import { encodedKeywords } from '../engine/decode/encoded-keywords.js';
import { keyIdPrefixes } from '../engine/decode/find-encoded.js';
import type { ResolvedConfig } from '../model/config.js';
import type { CompiledPack } from '../model/rule.js';
import { BUILTIN_PACK, BUILTIN_PACK_FILE } from '../rules/builtin-pack.js';
import { type CompileOptions, compilePacks, type PackSource } from '../rules/compile-pack.js';
import { loadRulePack } from '../rules/load-pack.js';
import { type ByteFilter, createByteFilter } from '../sources/byte-filter.js';

export interface SetupOptions {
  /** Where `.keyguard.json` is looked for; none: no folder configures this scan. */
  readonly root?: string;
  readonly configFile?: string;
  /** `--rules` files, on top of the config's. */
  readonly rulePacks?: readonly string[];
  readonly today: string;
  /** The user's own configuration file, when one may apply (it can only tighten the gate). */
  readonly userConfig?: string;
}

export interface LoadedSetup {
  readonly pack: CompiledPack;
  readonly config: ResolvedConfig;
  /** What the pack was compiled from, so worker threads can compile the same one. */
  readonly packSources: readonly PackSource[];
  readonly compileOptions: CompileOptions;
}

/** Config, then every rule pack it and the command line name, compiled into one pack. */
export async function createScanSetup(options: SetupOptions): Promise<LoadedSetup> {
  const config = await loadConfig({
    ...(options.root === undefined ? {} : { root: options.root }),
    today: options.today,
    ...(options.configFile === undefined ? {} : { explicit: options.configFile }),
    ...(options.userConfig === undefined ? {} : { userConfig: options.userConfig }),
  });
  const files = [...config.rulePacks, ...(options.rulePacks ?? [])];
  const user: PackSource[] = [];
  for (const [i, file] of files.entries()) {
    // A pack the config names is named by its place there; one from --rules by its path.
    const place = config.rulePackPlaces?.[i];
    const named = place === undefined ? undefined : { at: placeText(place), what: 'rule pack' };
    user.push({ spec: await loadRulePack(file, named), file });
  }
  return compileSetup(config, user);
}

/**
 * The built-in pack plus the user's, compiled with the config's enable/disable lists: the one way
 * a setup is made, whether the files came from disk or from a commit (load-committed-setup.ts).
 */
export function compileSetup(config: ResolvedConfig, user: readonly PackSource[]): LoadedSetup {
  const packSources = [{ spec: BUILTIN_PACK, file: BUILTIN_PACK_FILE }, ...user];
  const compileOptions = {
    ...(config.config.enableRules === undefined ? {} : { enable: config.config.enableRules }),
    ...(config.config.disableRules === undefined ? {} : { disable: config.config.disableRules }),
    ...(config.file === undefined ? {} : { configFile: config.file }),
  };
  const pack = compilePacks(packSources, compileOptions);
  return { pack, config, packSources, compileOptions };
}

/**
 * Keywords of every rule, for the reader's byte-level check that skips decoding bytes no rule can
 * match. A rule without keywords could match anything: then everything is decoded.
 */
export function packByteFilter(pack: CompiledPack): ByteFilter {
  const rules = pack.rules.map((r) => ({
    keywords: r.keywords,
    ...(r.spec.minValueRun === undefined ? {} : { minRun: r.spec.minValueRun }),
  }));
  // Encoded key IDs (base64, escapes) hold none of the rules' keywords: their own let them in.
  const prefixes = keyIdPrefixes(pack);
  const encoded =
    prefixes.length === 0
      ? []
      : encodedKeywords(prefixes).map((k) => ({
          keywords: k.words,
          minRun: k.minRun,
          encoded: true,
        }));
  // A key ID split in pieces (`"AKIA" + "…"`) holds its prefix but no run as long as a key ID:
  // the prefixes let bytes in without a run (the same keywords: no scanner bit more).
  const split = pack.rules
    .filter((r) => r.spec.kind === 'key-id' && r.keywords.length > 0)
    .map((r) => ({ keywords: r.keywords }));
  return createByteFilter([...rules, ...encoded, ...split]);
}
