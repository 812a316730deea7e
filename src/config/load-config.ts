import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type {
  AllowEntryBase,
  ConfigLayer,
  PathAllowEntry,
  ResolvedConfig,
  UserConfig,
  ValuePlace,
} from '../model/config.js';
import { KeyguardError } from '../model/errors.js';
import { parseJsonText } from '../schema/parse-json-file.js';
import { readRegularFile } from '../schema/read-regular-file.js';
import { compileUserRegex } from '../schema/user-regex.js';
import { loadUserRegexEngine } from '../schema/user-regex-engine.js';
import { validate } from '../schema/validate-config.generated.js';
import { validateJson } from '../schema/validate-json.js';
import { type LayerConfig, mergeLayers, userConfigProblem } from './merge-config.js';

export const CONFIG_FILE_NAME = '.keyguard.json';

export interface LoadConfigOptions {
  /** `--config` (or the KEYGUARD_CONFIG variable): must exist. */
  readonly explicit?: string;
  /**
   * Where to look for `.keyguard.json` (the repository root, or the scanned folder); none when the
   * scanned folder does not configure its own scan (someone else's checkout or clone).
   */
  readonly root?: string;
  /** Today as YYYY-MM-DD; entries that expired before it stop applying. */
  readonly today: string;
  /** The user's own configuration file (it may not exist): it can only tighten the gate. */
  readonly userConfig?: string;
}

/**
 * Splits entries into live ones (with their index, for messages) and a warning per expired one.
 * Warnings name the entry by its JSON pointer, never by its value (a pattern may hold a secret).
 */
function live<T extends AllowEntryBase>(
  entries: readonly T[] | undefined,
  today: string,
  pointer: string,
  warnings: string[],
  file: string,
): { entry: T; index: number }[] {
  const kept: { entry: T; index: number }[] = [];
  (entries ?? []).forEach((entry, index) => {
    if (entry.expires === undefined || entry.expires >= today) kept.push({ entry, index });
    else
      warnings.push(
        `${file}#${pointer}/${index}: allowlist entry expired on ${entry.expires} and no longer applies`,
      );
  });
  return kept;
}

/** Compiles a validated configuration into what the engine and the filters use. */
export function resolveConfig(
  config: UserConfig,
  file: string | undefined,
  today: string,
): ResolvedConfig {
  const name = file ?? CONFIG_FILE_NAME;
  const base = file === undefined ? '.' : dirname(file);
  const warnings: string[] = [];
  const allow = config.allowlist ?? {};
  const paths = live(allow.paths, today, '/allowlist/paths', warnings, name).map((l) => l.entry);
  const secrets = live(allow.secrets, today, '/allowlist/secrets', warnings, name).map(
    (l) => l.entry,
  );
  const regexes = live(allow.regexes, today, '/allowlist/regexes', warnings, name);
  // Account entries are applied after the filters (src/app/assess-findings.ts); warn here alike.
  for (const list of ['allow', 'own'] as const) {
    (config.accounts?.[list] ?? []).forEach((e, i) => {
      if (e.expires !== undefined && e.expires < today)
        warnings.push(
          `${name}#/accounts/${list}/${i}: account entry expired on ${e.expires} and no longer applies`,
        );
    });
  }
  const compiled = regexes.map(({ entry: r, index }) => ({
    regex: compileUserRegex(
      r.pattern,
      '',
      `${name}#/allowlist/regexes/${index}/pattern`,
      'CONFIG_INVALID',
    ),
    entry: `regex:${r.pattern}`,
    reason: r.reason,
    target: r.target ?? 'secret',
  }));
  const pathAllow: PathAllowEntry[] = paths.map((p) => {
    const isMatch = picomatch(p.glob, { dot: true });
    return { entry: `path:${p.glob}`, reason: p.reason, matches: (path: string) => isMatch(path) };
  });
  for (const r of compiled.filter((c) => c.target === 'path')) {
    pathAllow.push({
      entry: r.entry,
      reason: r.reason,
      matches: (path: string) => r.regex.test(path),
    });
  }
  return {
    ...(file === undefined ? {} : { file }),
    config,
    rulePacks: (config.rules ?? []).map((r) => resolve(base, r)),
    engineAllow: {
      hashes: new Map(secrets.map((s) => [s.sha256, s.reason])),
      secretRegexes: compiled.filter((c) => c.target === 'secret'),
      lineRegexes: compiled.filter((c) => c.target === 'line'),
    },
    pathAllow,
    ...(config.baseline === undefined ? {} : { baseline: resolve(base, config.baseline) }),
    warnings,
  };
}

/** Where configuration files are read from, and how messages name them. */
export interface ConfigReader {
  /** The file's text, or undefined when there is no such file. */
  read(file: string): Promise<string | undefined>;
  label(file: string): string;
  /**
   * A configuration read from a commit (the Action, the server gates): npm packages are not
   * followed, because node_modules is installed from the pull request's own package.json.
   */
  readonly committed?: boolean;
}

/** Files on disk; a FIFO or device is refused, not waited on. */
export const DISK_READER: ConfigReader = {
  async read(file) {
    let text: string | undefined;
    try {
      text = readRegularFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new KeyguardError('CONFIG_INVALID', `${file}: cannot be read`, { cause: error });
    }
    if (text === undefined)
      throw new KeyguardError(
        'CONFIG_INVALID',
        `${file}: not a regular file (a FIFO, socket or device): not read`,
      );
    return text;
  },
  label: (file) => file,
};

/** How deep `extends` may nest: a shared config extending a preset extending a base is 3. */
export const MAX_EXTENDS_DEPTH = 8;

/** An npm package name, optionally with a path inside it (`@acme/keyguard-config/strict.json`). */
const PACKAGE = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w.@-]+)*$/i;

function isFilePath(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec);
}

/** The package's folder under the nearest node_modules that has it, from `from` upwards. */
function findPackage(name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json')) || existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The file an `extends` entry names. A file path must say it is one (`./`, `../`, absolute) and is
 * read from where this configuration stands; anything else is an npm package found in the
 * nearest node_modules: a `.json` path inside it, else its `main` when that is JSON, else its
 * `keyguard.json`. A package path never leaves the package's folder.
 */
async function resolveExtends(
  spec: string,
  from: string,
  reader: ConfigReader,
  at: string,
): Promise<string> {
  if (isFilePath(spec)) return resolve(dirname(from), spec);
  if (!PACKAGE.test(spec) || spec.split('/').includes('..'))
    throw new KeyguardError(
      'CONFIG_INVALID',
      `${at}: neither a file path (write ./file.json, ../file.json or an absolute path) nor an npm package name`,
    );
  if (reader.committed === true)
    throw new KeyguardError(
      'CONFIG_INVALID',
      `${at}: a committed configuration cannot extend an npm package (node_modules comes from the change being checked); extend a file in the repository`,
    );
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const inner = parts.slice(nameLength).join('/');
  const dir = findPackage(name, dirname(from));
  if (dir === undefined)
    throw new KeyguardError(
      'CONFIG_INVALID',
      // The place, not the name: what a config says is never quoted back (see placeText).
      `${at}: no such package in node_modules (a file path starts with ./ or ../)`,
    );
  if (inner !== '') return join(dir, inner);
  const manifest = await reader.read(join(dir, 'package.json'));
  let main: unknown;
  try {
    main = manifest === undefined ? undefined : (JSON.parse(manifest) as { main?: unknown }).main;
  } catch {
    main = undefined;
  }
  if (typeof main === 'string' && main.endsWith('.json')) {
    const file = resolve(dir, main);
    const rel = relative(dir, file);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return file;
  }
  return join(dir, 'keyguard.json');
}

/**
 * A configuration file and every file it extends, lowest first, each through the one validator.
 * Cycles and chains deeper than MAX_EXTENDS_DEPTH are errors naming the files.
 */
async function collectLayers(
  file: string,
  text: string,
  reader: ConfigReader,
  chain: readonly string[],
  kind: ConfigLayer['kind'],
): Promise<LayerConfig[]> {
  const label = reader.label(file);
  const config = validateJson<UserConfig>(
    parseJsonText(text, label, 'CONFIG_INVALID'),
    validate,
    label,
    'CONFIG_INVALID',
    'configuration',
  );
  const named = config.extends;
  const specs = named === undefined ? [] : typeof named === 'string' ? [named] : named;
  const layers: LayerConfig[] = [];
  for (const [i, spec] of specs.entries()) {
    const at = `${label}#/extends${typeof named === 'string' ? '' : `/${i}`}`;
    if (chain.length >= MAX_EXTENDS_DEPTH)
      throw new KeyguardError(
        'CONFIG_INVALID',
        `${at}: extends nests deeper than ${MAX_EXTENDS_DEPTH} files`,
      );
    const target = await resolveExtends(spec, file, reader, at);
    if (chain.includes(target))
      throw new KeyguardError(
        'CONFIG_INVALID',
        `${at}: extends cycle: ${[...chain, target].map((f) => reader.label(f)).join(' → ')}`,
      );
    const body = await reader.read(target);
    if (body === undefined)
      // The place, not the path: a path in a config is a config value (see placeText).
      throw new KeyguardError('CONFIG_INVALID', `${at}: file not found`);
    layers.push(...(await collectLayers(target, body, reader, [...chain, target], 'extends')));
  }
  layers.push({ file, kind, config });
  return layers;
}

/** The user's own configuration, validated like any other, then held to what a user may set. */
async function userLayer(file: string, reader: ConfigReader): Promise<LayerConfig | undefined> {
  const text = await reader.read(file);
  if (text === undefined) return undefined;
  // Validated first (the same validator as every layer), then held to the user's keys; its own
  // `extends` is refused by that check before anything it names is read.
  const config = validateJson<UserConfig>(
    parseJsonText(text, reader.label(file), 'CONFIG_INVALID'),
    validate,
    reader.label(file),
    'CONFIG_INVALID',
    'configuration',
  );
  const layer: LayerConfig = { file, kind: 'user', config };
  const problem = userConfigProblem(layer.config);
  if (problem !== undefined)
    throw new KeyguardError(
      'CONFIG_INVALID',
      `${reader.label(file)}#${problem.pointer}: a user configuration cannot set ${problem.key}: it would weaken the repository's gate (set it in the repository's .keyguard.json)`,
    );
  return layer;
}

/** Merges the layers and resolves the result; nothing at all means defaults. */
async function fromLayers(
  layers: readonly LayerConfig[],
  file: string | undefined,
  today: string,
): Promise<ResolvedConfig> {
  if (layers.length === 0) return resolveConfig({}, undefined, today);
  const { config, origins, places } = mergeLayers(layers);
  // Allowlist regexes run on the linear-time engine: loaded only when there are some.
  if ((config.allowlist?.regexes?.length ?? 0) > 0) await loadUserRegexEngine();
  return {
    ...resolveConfig(config, file ?? layers[layers.length - 1]?.file, today),
    layers: layers.map(({ file: f, kind }) => ({ file: f, kind })),
    origins,
    rulePackPlaces: places.rules,
    ...(places.baseline === undefined ? {} : { baselinePlace: places.baseline }),
  };
}

/**
 * Finds, validates and resolves the configuration: `--config` or `.keyguard.json` at the root,
 * every file it extends, then the user's own configuration (which can only tighten the gate).
 * No file at all means defaults.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  let file = options.explicit === undefined ? undefined : resolve(options.explicit);
  if (file === undefined && options.root !== undefined) {
    const candidate = join(options.root, CONFIG_FILE_NAME);
    if (existsSync(candidate)) file = candidate;
  }
  const layers: LayerConfig[] = [];
  if (file !== undefined) {
    const text = await DISK_READER.read(file);
    if (text === undefined) throw new KeyguardError('CONFIG_INVALID', `${file}: file not found`);
    layers.push(...(await collectLayers(file, text, DISK_READER, [file], 'repository')));
  }
  if (options.userConfig !== undefined) {
    const user = await userLayer(options.userConfig, DISK_READER);
    if (user !== undefined) layers.push(user);
  }
  return fromLayers(layers, file, options.today);
}

/**
 * The same validation and resolution for a configuration read elsewhere (a commit's
 * `.keyguard.json`): `file` is where it stands (rule packs, the baseline and extended files are
 * resolved from its folder), `reader` reads what it extends the same way (from the commit), and
 * names files in messages (`.keyguard.json (base commit 1a2b3c4d5e6f)`).
 */
export async function configFromText(
  text: string,
  file: string,
  today: string,
  reader: ConfigReader = DISK_READER,
): Promise<ResolvedConfig> {
  const layers = await collectLayers(file, text, reader, [file], 'repository');
  return fromLayers(layers, file, today);
}

/**
 * How a message names a file a config names (a rule pack, the baseline): the config file and the
 * JSON pointer, never the path written there. Config values are never quoted (a careless colleague
 * pastes a key anywhere, and CI prints the error).
 */
export function placeText(place: ValuePlace, label: (file: string) => string = (f) => f): string {
  return `${label(place.file)}#${place.pointer}`;
}
