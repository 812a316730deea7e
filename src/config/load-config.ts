import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import type {
  AllowEntryBase,
  PathAllowEntry,
  ResolvedConfig,
  UserConfig,
} from '../model/config.js';
import { parseJsonFile, parseJsonText } from '../schema/parse-json-file.js';
import { compileUserRegex } from '../schema/user-regex.js';
import { loadUserRegexEngine } from '../schema/user-regex-engine.js';
import { validate } from '../schema/validate-config.generated.js';
import { validateJson } from '../schema/validate-json.js';

export const CONFIG_FILE_NAME = '.keyguard.json';

export interface LoadConfigOptions {
  /** `--config` (or the KEYGUARD_CONFIG variable): must exist. */
  readonly explicit?: string;
  /** Where to look for `.keyguard.json` (the repository root, or the scanned folder). */
  readonly root: string;
  /** Today as YYYY-MM-DD; entries that expired before it stop applying. */
  readonly today: string;
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

/** Finds, validates and resolves the configuration; no file at the root means defaults. */
export async function loadConfig(options: LoadConfigOptions): Promise<ResolvedConfig> {
  let file = options.explicit === undefined ? undefined : resolve(options.explicit);
  if (file === undefined) {
    const candidate = join(options.root, CONFIG_FILE_NAME);
    if (existsSync(candidate)) file = candidate;
  }
  if (file === undefined) return resolveConfig({}, undefined, options.today);
  return configFromData(await parseJsonFile(file, 'CONFIG_INVALID'), file, options.today, file);
}

async function configFromData(
  data: unknown,
  file: string,
  today: string,
  label: string,
): Promise<ResolvedConfig> {
  const config = validateJson<UserConfig>(data, validate, label, 'CONFIG_INVALID', 'configuration');
  // Allowlist regexes run on the linear-time engine: loaded only when there are some.
  if ((config.allowlist?.regexes?.length ?? 0) > 0) await loadUserRegexEngine();
  return resolveConfig(config, file, today);
}

/**
 * The same validation and resolution for a configuration read elsewhere (a commit's
 * `.keyguard.json`): `file` is where it stands (rule packs and the baseline are resolved from its
 * folder), `label` how errors name it (`.keyguard.json (base commit 1a2b3c4d5e6f)`).
 */
export async function configFromText(
  text: string,
  file: string,
  today: string,
  label: string = file,
): Promise<ResolvedConfig> {
  return configFromData(parseJsonText(text, label, 'CONFIG_INVALID'), file, today, label);
}
