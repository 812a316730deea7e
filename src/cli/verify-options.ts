import { createHttpClient } from '../verify/http-client.js';
import { resolveStsEndpoint } from '../verify/sts-endpoint.js';
import type { VerifyOptions } from '../verify/verify-credential.js';
import type { CommandIo } from './command-io.js';

/**
 * How `--verify` reaches STS, from the environment the CLI was given: AWS_ENDPOINT_URL_STS /
 * AWS_ENDPOINT_URL (https, or http to localhost), AWS_REGION, and HTTPS_PROXY / NO_PROXY.
 * Resolved before scanning, so a bad setting fails (exit 2) before any file is read.
 */
export function verifyOptions(io: CommandIo): VerifyOptions {
  return {
    endpoint: resolveStsEndpoint(io.env),
    http: createHttpClient({ proxy: io.env }),
    userAgent: `keyguard/${io.version}`,
  };
}
