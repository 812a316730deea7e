export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'RULE_PACK_INVALID'
  | 'BASELINE_INVALID'
  | 'GIT_FAILED'
  | 'NOT_A_REPO'
  | 'IO';

/** Marks keyguard's errors across bundles: the pre-commit bundle (dist/staged-scan.cjs) and the full scan
 * it may hand over to (dist/execute-scan.cjs) each carry their own copy of this class. */
const BRAND = Symbol.for('keyguard.error');

/**
 * A user-facing failure: the CLI prints `message` on one line and exits 2.
 * Messages name the file or flag at fault and never contain scanned content.
 */
export class KeyguardError extends Error {
  readonly code: ErrorCode;
  /** Extra lines (every validation error, say) shown after the message. */
  readonly details: readonly string[];
  readonly [BRAND] = true;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: readonly string[]; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeyguardError';
    this.code = code;
    this.details = options?.details ?? [];
  }
}

export function isKeyguardError(error: unknown): error is KeyguardError {
  return typeof error === 'object' && error !== null && BRAND in error;
}
