import { KeyguardError } from '../model/errors.js';

export const GLOBAL_STS_ENDPOINT = 'https://sts.amazonaws.com';

/** Environment-style settings, passed in by the CLI (this module never reads the process). */
export interface StsEndpointSettings {
  /** `AWS_ENDPOINT_URL_STS`: wins over the general override. */
  readonly AWS_ENDPOINT_URL_STS?: string | undefined;
  /** `AWS_ENDPOINT_URL`: every service's endpoint. */
  readonly AWS_ENDPOINT_URL?: string | undefined;
  /** Signing region for a custom endpoint whose host does not name one (`AWS_REGION`). */
  readonly AWS_REGION?: string | undefined;
  readonly AWS_DEFAULT_REGION?: string | undefined;
}

export interface StsEndpoint {
  readonly url: URL;
  readonly region: string;
  /** Where the URL came from, for messages: `default`, `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL`. */
  readonly source: 'default' | 'AWS_ENDPOINT_URL_STS' | 'AWS_ENDPOINT_URL';
}

const REGIONAL = /^sts(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/;

/** True for hosts that never leave the machine: plain HTTP is only allowed to them. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * The STS endpoint to verify against: AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else the global
 * endpoint (signed for us-east-1). Regional hosts sign for their region. A custom endpoint must be
 * HTTPS unless it is on loopback: a temporary credential's session token travels in a header.
 */
export function resolveStsEndpoint(settings: StsEndpointSettings = {}): StsEndpoint {
  const pick = (value: string | undefined): string | undefined =>
    value === undefined || value.trim() === '' ? undefined : value.trim();
  const sts = pick(settings.AWS_ENDPOINT_URL_STS);
  const general = pick(settings.AWS_ENDPOINT_URL);
  const source =
    sts !== undefined
      ? 'AWS_ENDPOINT_URL_STS'
      : general !== undefined
        ? 'AWS_ENDPOINT_URL'
        : 'default';
  const raw = sts ?? general ?? GLOBAL_STS_ENDPOINT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new KeyguardError('USAGE', `${source}: not a URL`, { cause: error });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new KeyguardError(
      'USAGE',
      `${source}: must be an https:// URL (plain http only to localhost)`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new KeyguardError(
      'USAGE',
      `${source}: must not carry credentials, a query or a fragment`,
    );
  }
  const regional = REGIONAL.exec(url.hostname)?.[1];
  const region =
    regional ?? pick(settings.AWS_REGION) ?? pick(settings.AWS_DEFAULT_REGION) ?? 'us-east-1';
  return { url, region: source === 'default' ? 'us-east-1' : region, source };
}
