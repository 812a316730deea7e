import type { Severity } from './finding.js';

export interface AllowEntryBase {
  readonly reason: string;
  /** ISO date (YYYY-MM-DD); after it the entry stops applying and a warning is printed. */
  readonly expires?: string;
}

export interface AllowPath extends AllowEntryBase {
  readonly glob: string;
}

export interface AllowSecret extends AllowEntryBase {
  readonly sha256: string;
}

export type AllowRegexTarget = 'secret' | 'line' | 'path';

export interface AllowRegex extends AllowEntryBase {
  readonly pattern: string;
  readonly target?: AllowRegexTarget;
}

export interface AccountEntry {
  readonly id: string;
  readonly reason: string;
  readonly expires?: string;
}

/** `.keyguard.json` as written (validated by schemas/config.schema.json). */
export interface UserConfig {
  readonly $schema?: string;
  /** Configurations this one builds on (files or npm packages), applied first. */
  readonly extends?: string | readonly string[];
  readonly rules?: readonly string[];
  readonly enableRules?: readonly string[];
  readonly disableRules?: readonly string[];
  readonly maxFileSize?: number;
  readonly failOn?: Severity;
  /** Accept an incomplete scan (unreadable files, archive limits…): exit codes follow findings. */
  readonly allowPartial?: boolean;
  /** Other scanners' inline markers (`gitleaks:allow`, `nosec`…) suppress findings (default true). */
  readonly otherMarkers?: boolean;
  readonly baseline?: string;
  readonly allowlist?: {
    readonly paths?: readonly AllowPath[];
    readonly secrets?: readonly AllowSecret[];
    readonly regexes?: readonly AllowRegex[];
  };
  readonly accounts?: {
    readonly own?: readonly AccountEntry[];
    readonly allow?: readonly AccountEntry[];
  };
}

/** How the engine hashes guessable values (see docs/baseline.md). */
export interface EngineHashing {
  /** The baseline's HMAC key (hex). Without one, guessable values get no hash at all. */
  readonly key?: string;
  /** Plain sha256 hashes of baseline entries → opaque tokens the findings carry when they match. */
  readonly legacy?: ReadonlyMap<string, string>;
}

/** Value-level allowlist the engine applies while it still sees raw values. */
export interface EngineAllowlist {
  readonly hashing?: EngineHashing;
  readonly hashes: ReadonlyMap<string, string>;
  readonly secretRegexes: readonly {
    readonly regex: RegExp;
    readonly entry: string;
    readonly reason: string;
  }[];
  readonly lineRegexes: readonly {
    readonly regex: RegExp;
    readonly entry: string;
    readonly reason: string;
  }[];
  /** Other scanners' inline markers (`gitleaks:allow`, `nosec`…) count as pragmas (default true). */
  readonly otherMarkers?: boolean;
}

export const EMPTY_ENGINE_ALLOWLIST: EngineAllowlist = {
  hashes: new Map(),
  secretRegexes: [],
  lineRegexes: [],
};

/** Path-level allowlist entry, compiled by the config stage and applied by the filter stage. */
export interface PathAllowEntry {
  readonly entry: string;
  readonly reason: string;
  matches(path: string): boolean;
}

/** Everything a scan needs from the configuration, resolved and compiled. */
export interface ResolvedConfig {
  /** The config file used, if any (for messages). */
  readonly file?: string;
  readonly config: UserConfig;
  /** Extra rule-pack files, resolved to absolute paths. */
  readonly rulePacks: readonly string[];
  readonly engineAllow: EngineAllowlist;
  readonly pathAllow: readonly PathAllowEntry[];
  /** Baseline file, resolved, when the config names one. */
  readonly baseline?: string;
  /** Expired entries and similar notes, printed as warnings. */
  readonly warnings: readonly string[];
  /** The files merged into `config`, lowest first (extended files, the config, the user's). */
  readonly layers?: readonly ConfigLayer[];
  /** JSON pointer of each merged value (`/failOn`, `/rules/0`) → the file it came from. */
  readonly origins?: ReadonlyMap<string, string>;
  /** Where each of `rulePacks` is named (same order): messages name the place, never the path. */
  readonly rulePackPlaces?: readonly ValuePlace[];
  /** Where `baseline` is named. */
  readonly baselinePlace?: ValuePlace;
}

/** A value's place in a configuration file: the file and the JSON pointer within it. */
export interface ValuePlace {
  readonly file: string;
  readonly pointer: string;
}

/** One file of a layered configuration. */
export interface ConfigLayer {
  readonly file: string;
  /** `extends`: named by another layer; `repository`: the config found or given; `user`: the user's. */
  readonly kind: 'extends' | 'repository' | 'user';
}
