import { describe, expect, it } from 'vitest';
import { isKeyguardError } from '../../src/model/errors.js';
import { resolveStsEndpoint } from '../../src/verify/sts-endpoint.js';

describe('resolveStsEndpoint', () => {
  it('defaults to the global endpoint signed for us-east-1, whatever AWS_REGION says', () => {
    const endpoint = resolveStsEndpoint({ AWS_REGION: 'eu-west-1' });
    expect(endpoint.url.href).toBe('https://sts.amazonaws.com/');
    expect(endpoint.region).toBe('us-east-1');
    expect(endpoint.source).toBe('default');
    expect(resolveStsEndpoint().url.host).toBe('sts.amazonaws.com');
  });

  it('prefers AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL; blank values are ignored', () => {
    const both = resolveStsEndpoint({
      AWS_ENDPOINT_URL_STS: 'https://sts.eu-central-1.amazonaws.com',
      AWS_ENDPOINT_URL: 'https://example.internal',
    });
    expect(both.source).toBe('AWS_ENDPOINT_URL_STS');
    expect(both.region).toBe('eu-central-1');
    const general = resolveStsEndpoint({
      AWS_ENDPOINT_URL_STS: ' ',
      AWS_ENDPOINT_URL: 'http://localhost:4566',
    });
    expect(general.source).toBe('AWS_ENDPOINT_URL');
    expect(general.url.href).toBe('http://localhost:4566/');
  });

  it('signs regional and FIPS hosts for their region, custom hosts for AWS_REGION', () => {
    expect(
      resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: 'https://sts-fips.us-gov-west-1.amazonaws.com' })
        .region,
    ).toBe('us-gov-west-1');
    expect(
      resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: 'https://sts.cn-north-1.amazonaws.com.cn' })
        .region,
    ).toBe('cn-north-1');
    const custom = resolveStsEndpoint({
      AWS_ENDPOINT_URL: 'https://vpce.example',
      AWS_DEFAULT_REGION: 'ap-south-1',
    });
    expect(custom.region).toBe('ap-south-1');
  });

  it('refuses plain http off loopback, credentials in the URL and non-URLs, naming the variable', () => {
    const bad: [Record<string, string>, string][] = [
      [
        { AWS_ENDPOINT_URL_STS: 'http://sts.example.com' },
        'AWS_ENDPOINT_URL_STS: must be an https:// URL',
      ],
      [
        { AWS_ENDPOINT_URL: 'https://u:p@sts.example.com' },
        'AWS_ENDPOINT_URL: must not carry credentials',
      ],
      [{ AWS_ENDPOINT_URL_STS: 'sts.amazonaws.com' }, 'AWS_ENDPOINT_URL_STS: not a URL'],
      [
        { AWS_ENDPOINT_URL_STS: 'ftp://127.0.0.1' },
        'AWS_ENDPOINT_URL_STS: must be an https:// URL',
      ],
    ];
    for (const [settings, message] of bad) {
      try {
        resolveStsEndpoint(settings);
        expect.unreachable();
      } catch (error) {
        expect(isKeyguardError(error)).toBe(true);
        expect((error as Error).message.startsWith(message)).toBe(true);
      }
    }
    expect(resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }).url.port).toBe('9');
    expect(resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: 'http://[::1]:9' }).url.hostname).toBe(
      '[::1]',
    );
  });
});
