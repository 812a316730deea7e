export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'RULE_PACK_INVALID'
  | 'BASELINE_INVALID'
  | 'GIT_FAILED'
  | 'NOT_A_REPO'
  | 'IO';

/**
 * A user-facing failure: the CLI prints `message` on one line and exits 2.
 * Messages name the file or flag at fault and never contain scanned content.
 */
export class KeyguardError extends Error {
  readonly code: ErrorCode;
  /** Extra lines (every validation error, say) shown after the message. */
  readonly details: readonly string[];

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
  return error instanceof KeyguardError;
}
