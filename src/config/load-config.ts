import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import type {
  AllowEntryBase,
  PathAllowEntry,
  ResolvedConfig,
  UserConfig,
} from '../model/config.js';
import { KeyguardError } from '../model/errors.js';
import { parseJsonFile } from '../schema/parse-json-file.js';
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

function compileRegex(pattern: string, file: string, pointer: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new KeyguardError('CONFIG_INVALID', `${file}#${pointer}: invalid regular expression`, {
      cause: error,
      details: [error instanceof Error ? error.message : String(error)],
    });
  }
}

/** Splits entries into live ones and a warning per expired one. */
function live<T extends AllowEntryBase>(
  entries: readonly T[] | undefined,
  today: string,
  describe: (e: T) => string,
  warnings: string[],
  file: string,
): T[] {
  return (entries ?? []).filter((e) => {
    if (e.expires === undefined || e.expires >= today) return true;
    warnings.push(
      `${file}: allowlist entry ${describe(e)} expired on ${e.expires} and no longer applies`,
    );
    return false;
  });
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
  const paths = live(allow.paths, today, (e) => `path '${e.glob}'`, warnings, name);
  const secrets = live(
    allow.secrets,
    today,
    (e) => `sha256 ${e.sha256.slice(0, 12)}…`,
    warnings,
    name,
  );
  const regexes = live(allow.regexes, today, (e) => `regex '${e.pattern}'`, warnings, name);
  // Account entries are applied after the filters (src/app/assess-findings.ts); warn here alike.
  for (const list of ['allow', 'own'] as const) {
    for (const e of config.accounts?.[list] ?? []) {
      if (e.expires !== undefined && e.expires < today)
        warnings.push(
          `${name}: accounts.${list} entry ${e.id} expired on ${e.expires} and no longer applies`,
        );
    }
  }
  const compiled = regexes.map((r, i) => ({
    regex: compileRegex(r.pattern, name, `/allowlist/regexes/${i}/pattern`),
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
  const data = await parseJsonFile(file, 'CONFIG_INVALID');
  const config = validateJson<UserConfig>(data, validate, file, 'CONFIG_INVALID', 'configuration');
  return resolveConfig(config, file, options.today);
}
