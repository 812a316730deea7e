import { dirname, resolve } from 'node:path';
import type { ConfigLayer, UserConfig, ValuePlace } from '../model/config.js';
import { SEVERITIES, type Severity } from '../model/finding.js';

/** A validated layer: its file, its kind and what it says. */
export interface LayerConfig extends ConfigLayer {
  readonly config: UserConfig;
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

const SCALARS = ['maxFileSize', 'allowPartial', 'otherMarkers', 'failOn'] as const;
const LISTS = ['enableRules', 'disableRules'] as const;
const ALLOW = ['paths', 'secrets', 'regexes'] as const;
const ACCOUNTS = ['own', 'allow'] as const;

/** The stricter of two gates: the one that fails on more (a lower severity). */
function stricter(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

/**
 * Merges layers, lowest first: a later layer's value replaces an earlier one's (`failOn`,
 * `maxFileSize`, `allowPartial`, `otherMarkers`, `baseline`), lists are joined in order (`rules`,
 * `enableRules`, `disableRules`, allowlist and account entries). Paths are resolved against the
 * layer that wrote them, so a shared config's rule packs are found beside it. The user's layer can
 * only tighten: its `failOn` applies when it fails on more than the repository's. `origins` maps
 * each merged value's JSON pointer to the file it came from.
 */
export function mergeLayers(layers: readonly LayerConfig[]): {
  config: UserConfig;
  origins: Map<string, string>;
  /** Where each merged rule pack, and the baseline, is named: its file and its own pointer there. */
  places: { rules: ValuePlace[]; baseline?: ValuePlace };
} {
  const out: Mutable<UserConfig> = {};
  const origins = new Map<string, string>();
  const rules: string[] = [];
  const places: { rules: ValuePlace[]; baseline?: ValuePlace } = { rules: [] };
  const lists: Record<(typeof LISTS)[number], string[]> = { enableRules: [], disableRules: [] };
  const allow: Record<string, unknown[]> = { paths: [], secrets: [], regexes: [] };
  const accounts: Record<string, unknown[]> = { own: [], allow: [] };
  for (const layer of layers) {
    const c = layer.config;
    const base = dirname(layer.file);
    for (const [i, r] of (c.rules ?? []).entries()) {
      origins.set(`/rules/${rules.length}`, layer.file);
      places.rules.push({ file: layer.file, pointer: `/rules/${i}` });
      rules.push(resolve(base, r));
    }
    for (const list of LISTS)
      for (const id of c[list] ?? []) {
        origins.set(`/${list}/${lists[list].length}`, layer.file);
        lists[list].push(id);
      }
    for (const kind of ALLOW)
      for (const e of c.allowlist?.[kind] ?? []) {
        origins.set(`/allowlist/${kind}/${allow[kind]?.length ?? 0}`, layer.file);
        allow[kind]?.push(e);
      }
    for (const kind of ACCOUNTS)
      for (const e of c.accounts?.[kind] ?? []) {
        origins.set(`/accounts/${kind}/${accounts[kind]?.length ?? 0}`, layer.file);
        accounts[kind]?.push(e);
      }
    for (const key of SCALARS) {
      const value = c[key];
      if (value === undefined) continue;
      if (key === 'failOn' && layer.kind === 'user') {
        const current = out.failOn ?? 'low';
        if (stricter(current, value as Severity) === current) continue;
      }
      (out as Record<string, unknown>)[key] = value;
      origins.set(`/${key}`, layer.file);
    }
    if (c.baseline !== undefined) {
      out.baseline = resolve(base, c.baseline);
      origins.set('/baseline', layer.file);
      places.baseline = { file: layer.file, pointer: '/baseline' };
    }
  }
  if (rules.length > 0) out.rules = rules;
  for (const list of LISTS) if (lists[list].length > 0) out[list] = lists[list];
  const allowlist = Object.fromEntries(
    ALLOW.filter((k) => (allow[k]?.length ?? 0) > 0).map((k) => [k, allow[k]]),
  );
  if (Object.keys(allowlist).length > 0)
    out.allowlist = allowlist as NonNullable<UserConfig['allowlist']>;
  const acc = Object.fromEntries(
    ACCOUNTS.filter((k) => (accounts[k]?.length ?? 0) > 0).map((k) => [k, accounts[k]]),
  );
  if (Object.keys(acc).length > 0) out.accounts = acc as NonNullable<UserConfig['accounts']>;
  return { config: out as UserConfig, origins, places };
}

/** What a user-level config may set: only what adds detection or tightens the gate. */
const USER_KEYS = new Set([
  '$schema',
  'rules',
  'enableRules',
  'failOn',
  'otherMarkers',
  'accounts',
]);

/**
 * Why a user-level config is refused, or undefined: it must never weaken a repository's gate
 * without the repository saying so. It may add rule packs and enable rules, raise severities for
 * its own accounts, make `failOn` stricter and turn other scanners' markers off; it may not
 * allowlist, disable rules, accept partial scans, skip large files, pick a baseline, extend
 * other files or allow accounts.
 */
export function userConfigProblem(
  config: UserConfig,
): { pointer: string; key: string } | undefined {
  for (const key of Object.keys(config))
    if (!USER_KEYS.has(key)) return { pointer: `/${key}`, key };
  if (config.otherMarkers === true) return { pointer: '/otherMarkers', key: 'otherMarkers: true' };
  if (config.accounts?.allow !== undefined)
    return { pointer: '/accounts/allow', key: 'accounts.allow' };
  return undefined;
}
