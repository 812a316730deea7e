import type { CommitRef, SourceKind } from './chunk.js';
import type { NameSpan } from './shown-name.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** Ordered from most to least severe; index comparisons decide gating. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export type FindingKind =
  | 'credential-pair'
  | 'access-key-id'
  | 'secret-access-key'
  | 'session-token'
  | 'identifier';

/**
 * 1-based lines and columns; columns count UTF-16 code units (SARIF's default). endColumn is
 * exclusive. A value found in the path's own text (`where: 'name'`) has no line: all four are 0.
 */
export interface Location {
  /** Display path (stray bytes of a name that is not UTF-8 written `\xNN`). */
  readonly path: string;
  /** base64 of the path's exact bytes, when they are not valid UTF-8. */
  readonly pathBytes?: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** `name`: the value is written in the path itself (a file's name, a pushed ref), not in its content. */
  readonly where?: 'name';
  /**
   * For `where: 'name'`: the UTF-16 offsets [start, end) of the value in the path's text, which
   * `shownName` hides wherever the path is shown. Internal: not reported.
   */
  readonly nameSpan?: NameSpan;
}

/** Offline facts about a key ID (decoded account, prefix meaning). */
export interface KeyFacts {
  readonly prefix: string;
  /** 12-digit account, or undefined when the ID is a legacy one that does not carry it. */
  readonly account?: string;
  readonly canary?: boolean;
}

/** The principal a verified key acts as (from the GetCallerIdentity ARN). */
export type PrincipalKind = 'root' | 'user' | 'assumed-role' | 'federated-user' | 'other';

/** What `--verify` learned from STS GetCallerIdentity about a finding's key. Never a secret. */
export interface FindingVerification {
  readonly status: 'live' | 'inactive' | 'unknown' | 'skipped';
  /** live: the account and ARN STS answered with, and the kind of principal the ARN names. */
  readonly account?: string;
  readonly arn?: string;
  readonly principal?: PrincipalKind;
  /** Not live: STS's error code (inactive), what went wrong (unknown), or why no call was made (skipped). */
  readonly reason?: string;
}

/**
 * Why a secret was paired with a key ID: its name says it is an AWS secret (`label`), a generic
 * credential name beside the key ID (`credential-name`: `login … password …`), or no name at all
 * and either the key ID's line (`same-statement`: call arguments, a CSV row, URL userinfo) or a
 * line nearby (`adjacent`).
 */
export type PairBasis = 'label' | 'credential-name' | 'same-statement' | 'adjacent';

/** A detection that left the engine: it never holds a raw secret, only redacted text and hashes. */
export interface Finding {
  readonly ruleId: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly title: string;
  readonly location: Location;
  /** The other half of a credential pair. */
  readonly partner?: Location;
  /** Redacted value, e.g. `AKIA************WXYZ`; for pairs the key ID's and the secret's. */
  readonly redacted: string;
  readonly partnerRedacted?: string;
  /** The source line with every candidate value masked, trimmed around the finding. */
  readonly lineText: string;
  /**
   * Plain sha256 hex of the identifying raw value (the secret for pairs and secrets), only when
   * that value keeps at least 128 unknown bits beyond what is shown (see docs/baseline.md).
   */
  readonly secretHash?: string;
  /** HMAC-SHA256 hex of the identifying value under the baseline's key, for guessable values. */
  readonly secretHmac?: string;
  /**
   * Which plain-hash baseline entry (version 1, or carried over) the value matched: an opaque
   * token from the scan's hashing context, never the hash itself. Internal: not reported.
   */
  readonly legacyRef?: string;
  /**
   * Which raw values the finding names (the key ID; for a pair, the key ID and the secret): an
   * opaque token, HMAC-SHA256 under a random key that each engine thread makes and never writes
   * out, so equal only for the same values seen by the same thread. Internal: not reported. The
   * filters use it to tell the same credential read twice (an archive's raw bytes and its entry)
   * from two different ones: a key ID alone has no other exact identity without a baseline key.
   */
  readonly valueRef?: string;
  /**
   * A pair's halves alone: the valueRef of its key ID, then of its secret. Internal: not reported.
   * A lone half that another reading of the same bytes found is dropped only when it is one of
   * these (not merely shown the same: a made-up key ID can share a real one's prefix and end).
   */
  readonly partRefs?: readonly [string, string];
  /**
   * Content identity, no line numbers: ruleId + path + secretHash; for guessable values, ruleId +
   * path + what is shown of the value (never a function of the raw value alone).
   */
  readonly fingerprint: string;
  readonly source: SourceKind;
  readonly commit?: CommitRef;
  /** History scans: how many commits brought this secret in at this path (`commit` is the first). */
  readonly occurrences?: number;
  readonly keyFacts?: KeyFacts;
  /** Set by `--verify` for the credential pairs it checked. */
  readonly verification?: FindingVerification;
  /** Why the severity differs from the rule's (verification, canary, an own account), when it does. */
  readonly severityReason?: string;
  /**
   * The inline marker on the finding's line (for a pair on two lines: on both), by name:
   * `keyguard:allow`, or another scanner's (`gitleaks:allow`, `pragma: allowlist secret`,
   * `trufflehog:ignore`, `nosec`, …), which the filters honour unless told not to.
   */
  readonly pragma?: string;
  /**
   * For a credential pair, why the secret was paired with the key ID: `label` (named as an AWS
   * secret), `credential-name` (a generic credential name such as `password`), `same-statement`
   * (no name, on the key ID's line: call arguments, a CSV row) or `adjacent` (no name, a nearby line).
   */
  readonly pairedBy?: PairBasis;
  /**
   * Found in encoded text: how it was decoded, outermost first (`base64`, `jwt`, `url`,
   * `escapes`, `html entities`, `base64 → url`). The location is the encoded run's.
   */
  readonly decoded?: string;
  /**
   * Written in pieces that the code joins (`"AKIA" + "…"`, a YAML scalar folded over lines): how
   * they were joined (`concatenated`). The location is the first piece's; the value is the whole.
   */
  readonly assembled?: string;
  /** Set by the engine when a value-level allowlist entry matched; the filter stage suppresses it. */
  readonly allowedBy?: SuppressionReason;
}

/** `unverified`: `--only-verified` set aside a finding `--verify` did not find live. */
export type SuppressionKind = 'builtin' | 'allowlist' | 'pragma' | 'baseline' | 'unverified';

export interface SuppressionReason {
  readonly by: SuppressionKind;
  /** What matched: `path:fixtures/**`, `sha256:…`, `regex:…`, `example-value`, … */
  readonly entry: string;
  readonly reason: string;
}

export interface Suppression {
  readonly finding: Finding;
  readonly reason: SuppressionReason;
}

/** An accepted finding: identity without line numbers or raw values (one of the two hashes). */
export interface BaselineEntry {
  readonly ruleId: string;
  readonly path: string;
  /** Plain sha256 of the value: unguessable values, or an entry from before keyed hashes. */
  readonly secretHash?: string;
  /** HMAC-SHA256 of the value under the baseline's key. */
  readonly secretHmac?: string;
  /** A plain hash of unknown strength (a version 1 file): never shown, only matched. */
  readonly legacy?: boolean;
  /** Why the finding was accepted (`keyguard audit` asks for one); kept when the file is rewritten. */
  readonly reason?: string;
}

/** A baseline file: its entries and the key its HMAC entries (and new ones) are made with. */
export interface Baseline {
  readonly entries: readonly BaselineEntry[];
  /** 64 hex characters (256 random bits); absent in version 1 files. */
  readonly key?: string;
  readonly version: 1 | 2;
}
