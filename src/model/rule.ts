import type { FindingKind, Severity } from './finding.js';

export type RuleKind = 'key-id' | 'secret' | 'session-token' | 'identifier' | 'pair';

/** When a lone match (one not paired) becomes a finding. */
export type ReportPolicy = 'always' | 'labelled' | 'never';

/** Label context: names that mark a value as an AWS secret, matched on a normalised identifier. */
export interface LabelSpec {
  /** Marks the value on its own (`aws_secret_access_key`, `secretAccessKey`). */
  readonly strong: string;
  /** Needs AWS context nearby (`secret_key` inside `provider "aws"`). */
  readonly weak?: string;
  /** What counts as AWS context for weak labels, searched within `contextLines`. */
  readonly context?: string;
  readonly contextLines?: number;
  /** Keys that only say "the value" (`value`, `<value>`): look at the line before for the name. */
  readonly carrier?: string;
}

export interface RuleExamples {
  readonly match: readonly string[];
  readonly noMatch: readonly string[];
}

/** A rule exactly as written in a pack file (validated by rules/rule-pack.schema.json). */
export interface RuleSpec {
  readonly id: string;
  readonly kind: RuleKind;
  readonly title: string;
  readonly description: string;
  readonly enabled?: boolean;
  readonly pattern?: string;
  readonly secretGroup?: number;
  readonly keywords?: readonly string[];
  readonly minEntropy?: number;
  /**
   * Every value this rule matches contains a run of at least this many base64-like bytes
   * ([A-Za-z0-9+/\\%], JSON and URL escapes included): bytes without such a run are never decoded
   * for it. `rules check` verifies the promise on the rule's examples.
   */
  readonly minValueRun?: number;
  readonly report?: ReportPolicy;
  readonly labels?: LabelSpec;
  readonly pairing?: {
    readonly keyId: string;
    readonly secret: string;
    readonly withinLines: number;
    readonly withinChars?: number;
  };
  readonly severity: Severity;
  readonly remediation: string;
  readonly references?: readonly string[];
  readonly examples: RuleExamples;
}

export interface AllowValue {
  readonly value: string;
  readonly reason: string;
}

export interface AllowPattern {
  readonly pattern: string;
  readonly reason: string;
}

export interface RulePackSpec {
  readonly $schema?: string;
  readonly version: 1;
  readonly name: string;
  readonly rules: readonly RuleSpec[];
  readonly allowlist?: {
    readonly values?: readonly AllowValue[];
    readonly valuePatterns?: readonly AllowPattern[];
  };
}

export interface CompiledLabels {
  readonly strong: RegExp;
  readonly weak?: RegExp;
  readonly context?: RegExp;
  readonly contextLines: number;
  readonly carrier?: RegExp;
}

export interface CompiledRule {
  readonly spec: RuleSpec;
  readonly id: string;
  readonly kind: RuleKind;
  readonly findingKind: FindingKind;
  readonly regex?: RegExp;
  readonly secretGroup: number;
  readonly keywords: readonly string[];
  readonly minEntropy: number;
  readonly report: ReportPolicy;
  readonly labels?: CompiledLabels;
}

export interface CompiledPair {
  readonly spec: RuleSpec;
  readonly id: string;
  readonly keyId: string;
  readonly secret: string;
  readonly withinLines: number;
  readonly withinChars: number;
}

/** Values never reported whatever the config says (AWS documentation examples, placeholders). */
export interface ValueAllowlist {
  readonly values: ReadonlyMap<string, string>;
  readonly patterns: readonly {
    readonly regex: RegExp;
    readonly reason: string;
    readonly entry: string;
  }[];
}

/** Where a rule comes from: the pack's name, and whether that is the shipped AWS pack. */
export interface RuleOrigin {
  readonly pack: string;
  readonly builtin: boolean;
}

export interface CompiledPack {
  readonly names: readonly string[];
  /** Every rule id of every pack (enabled or not) → its pack. */
  readonly origins: ReadonlyMap<string, RuleOrigin>;
  readonly rules: readonly CompiledRule[];
  readonly pairs: readonly CompiledPair[];
  readonly byId: ReadonlyMap<string, RuleSpec>;
  readonly builtinAllow: ValueAllowlist;
}
