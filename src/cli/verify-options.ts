import { KeyguardError } from '../model/errors.js';
import { createHttpClient } from '../verify/http-client.js';
import { resolveStsEndpoint } from '../verify/sts-endpoint.js';
import type { VerifyOptions } from '../verify/verify-credential.js';
import type { CommandIo } from './command-io.js';
import { type Parsed, stringOption } from './parse-options.js';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** `500ms`, `5s`, `1.5s`, `1m` → milliseconds, from 1 ms to 10 minutes. */
export function parseDuration(text: string, flag: string): number {
  const m = DURATION.exec(text.trim());
  const ms = m === null ? Number.NaN : Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
  if (!(ms >= 1 && ms <= 600_000))
    throw new KeyguardError(
      'USAGE',
      `option '${flag}' takes a duration from 1ms to 10m such as 500ms, 5s or 1m, not '${text}'`,
    );
  return Math.round(ms);
}

function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 32)
    throw new KeyguardError(
      'USAGE',
      `option '--verify-concurrency' takes a whole number from 1 to 32, not '${text}'`,
    );
  return n;
}

/**
 * How `--verify` reaches STS, from the environment the CLI was given: AWS_ENDPOINT_URL_STS /
 * AWS_ENDPOINT_URL (https, or http to localhost), AWS_REGION, and HTTPS_PROXY / NO_PROXY; and
 * from the flags, how long one call may take and how many run at once. Resolved before
 * scanning, so a bad setting fails (exit 2) before any file is read.
 */
export function verifyOptions(io: CommandIo, values: Parsed['values'] = {}): VerifyOptions {
  const timeout = stringOption(values, 'verify-timeout');
  const concurrency = stringOption(values, 'verify-concurrency');
  return {
    endpoint: resolveStsEndpoint(io.env),
    http: createHttpClient({ proxy: io.env }),
    userAgent: `keyguard/${io.version}`,
    ...(timeout === undefined ? {} : { timeoutMs: parseDuration(timeout, '--verify-timeout') }),
    ...(concurrency === undefined ? {} : { concurrency: parseConcurrency(concurrency) }),
  };
}
