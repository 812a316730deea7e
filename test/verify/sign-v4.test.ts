import { describe, expect, it } from 'vitest';
import {
  amzDate,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalQuery,
  canonicalUri,
  computeSignature,
  credentialScope,
  deriveSigningKey,
  sha256Hex,
  signV4,
} from '../../src/verify/sign-v4.js';

// Values of AWS's published SigV4 test suite (docs.aws.amazon.com, "Signature Version 4 test suite").
const SUITE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'service',
  date: new Date('2015-08-30T12:36:00Z'),
  host: 'example.amazonaws.com',
};
const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SUITE_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';

function suiteSign(
  method: string,
  pathAndQuery: string,
  headers: readonly (readonly [string, string])[] = [],
  body = '',
  sessionToken?: string,
) {
  return signV4(
    { method, url: new URL(`https://${SUITE.host}${pathAndQuery}`), headers, body },
    {
      accessKeyId: SUITE.accessKeyId,
      secretAccessKey: SUITE.secretAccessKey,
      ...(sessionToken === undefined ? {} : { sessionToken }),
    },
    { region: SUITE.region, service: SUITE.service, date: SUITE.date },
  );
}

/** Signs from raw request-line parts, as the suite's .req files give them (path not URL-encoded). */
function rawSignature(
  method: string,
  path: string,
  headers: readonly (readonly [string, string])[],
) {
  const { canonicalRequest } = buildCanonicalRequest({
    method,
    path,
    query: '',
    headers: [['Host', SUITE.host], ...headers, ['X-Amz-Date', '20150830T123600Z']],
    payloadHash: EMPTY_HASH,
  });
  const sts = buildStringToSign(
    '20150830T123600Z',
    credentialScope('20150830', 'us-east-1', 'service'),
    canonicalRequest,
  );
  const key = deriveSigningKey(SUITE.secretAccessKey, '20150830', 'us-east-1', 'service');
  return { canonicalRequest, signature: computeSignature(key, sts) };
}

describe('deriveSigningKey', () => {
  it('matches the signing key AWS documents for the iam service', () => {
    const key = deriveSigningKey(SUITE.secretAccessKey, '20150830', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe(
      'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
    );
  });
});

describe('signV4 against the AWS test suite', () => {
  it('get-vanilla: canonical request, string to sign and Authorization', () => {
    const signed = suiteSign('GET', '/');
    expect(signed.canonicalRequest).toBe(
      `GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n${EMPTY_HASH}`,
    );
    expect(signed.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n' +
        'bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63',
    );
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(signed.headers.host).toBe('example.amazonaws.com');
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it.each([
    [
      'get-vanilla-empty-query-key',
      'GET',
      '/?Param1=value1',
      'a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb',
    ],
    [
      'get-vanilla-query-order-key-case',
      'GET',
      '/?Param2=value2&Param1=value1',
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    ],
    [
      'get-vanilla-query-order-key',
      'GET',
      '/?Param1=value2&Param1=Value1',
      'eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1',
    ],
    [
      'get-vanilla-query-order-value',
      'GET',
      '/?Param1=value2&Param1=value1',
      '5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694',
    ],
    [
      'get-vanilla-query-unreserved',
      'GET',
      '/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
    ],
    [
      'get-vanilla-utf8-query',
      'GET',
      '/?\u1234=bar',
      '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
    ],
    [
      'get-relative-relative',
      'GET',
      '/example1/example2/../..',
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ],
    [
      'get-slash-pointless-dot',
      'GET',
      '/./example',
      'ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5',
    ],
    [
      'get-slashes',
      'GET',
      '//example//',
      '9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84',
    ],
    [
      'post-vanilla',
      'POST',
      '/',
      '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    ],
    [
      'post-vanilla-query',
      'POST',
      '/?Param1=value1',
      '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
    ],
  ])('%s', (_name, method, pathAndQuery, signature) => {
    expect(suiteSign(method, pathAndQuery).signature).toBe(signature);
  });

  it('get-vanilla-utf8-query encodes the UTF-8 bytes in the canonical query', () => {
    expect(suiteSign('GET', '/?\u1234=bar').canonicalRequest.split('\n')[2]).toBe('%E1%88%B4=bar');
  });

  it('get-header-value-trim: trims and collapses spaces in header values', () => {
    const signed = suiteSign('GET', '/', [
      ['My-Header1', ' value1'],
      ['My-Header2', ' "a   b   c"'],
    ]);
    expect(signed.canonicalRequest).toContain('my-header2:"a b c"\n');
    expect(signed.signature).toBe(
      'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
    );
  });

  it('get-header-value-order and get-header-key-duplicate: repeated headers joined in order', () => {
    const order = suiteSign('GET', '/', [
      ['My-Header1', 'value4'],
      ['My-Header1', 'value1'],
      ['My-Header1', 'value3'],
      ['My-Header1', 'value2'],
    ]);
    expect(order.signature).toBe(
      '08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01',
    );
    const duplicate = suiteSign('GET', '/', [
      ['My-Header1', 'value2'],
      ['My-Header1', 'value2'],
      ['My-Header1', 'value1'],
    ]);
    expect(duplicate.signature).toBe(
      'c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea',
    );
  });

  it('post-header-value-case keeps value case', () => {
    expect(suiteSign('POST', '/', [['My-Header1', 'VALUE1']]).signature).toBe(
      'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d',
    );
  });

  it('post-x-www-form-urlencoded: signs the body hash and the content type', () => {
    // The suite's .creq for this case also lists content-length; its .sts and .authz (used here) do not.
    const signed = suiteSign(
      'POST',
      '/',
      [['Content-Type', 'application/x-www-form-urlencoded']],
      'Param1=value1',
    );
    expect(
      signed.canonicalRequest.endsWith(
        '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e',
      ),
    ).toBe(true);
    expect(signed.signedHeaders).toBe('content-type;host;x-amz-date');
    expect(signed.stringToSign.split('\n')[3]).toBe(
      '42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281',
    );
    expect(signed.signature).toBe(
      'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    );
  });

  it('post-sts-header-before: signs x-amz-security-token for temporary credentials', () => {
    const signed = suiteSign('POST', '/', [], '', SUITE_TOKEN);
    expect(signed.signedHeaders).toBe('host;x-amz-date;x-amz-security-token');
    expect(signed.headers['x-amz-security-token']).toBe(SUITE_TOKEN);
    expect(signed.stringToSign.split('\n')[3]).toBe(
      'c237e1b440d4c63c32ca95b5b99481081cb7b13c7e40434868e71567c1a882f6',
    );
    expect(signed.signature).toBe(
      '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead',
    );
  });

  it('get-space and get-unreserved: raw request-line paths are encoded once', () => {
    const space = rawSignature('GET', '/example space/', []);
    expect(space.canonicalRequest.split('\n')[1]).toBe('/example%20space/');
    expect(space.signature).toBe(
      '652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741',
    );
    const unreserved = rawSignature(
      'GET',
      '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      [],
    );
    expect(unreserved.signature).toBe(
      '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    );
  });

  it('does not sign user-agent but still sends it', () => {
    const signed = suiteSign('GET', '/', [['User-Agent', 'keyguard/test']]);
    expect(signed.signature).toBe(
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(signed.headers['user-agent']).toBe('keyguard/test');
  });

  it('replaces caller-supplied host, date and authorization headers', () => {
    const signed = suiteSign('GET', '/', [
      ['Host', 'evil.example'],
      ['X-Amz-Date', '20000101T000000Z'],
      ['Authorization', 'forged'],
    ]);
    expect(signed.signature).toBe(
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('never puts the secret in the headers', () => {
    const signed = suiteSign('GET', '/', [], '', SUITE_TOKEN);
    expect(JSON.stringify(signed.headers)).not.toContain(SUITE.secretAccessKey);
  });
});

describe('canonical pieces', () => {
  it('canonicalUri normalises dot segments and keeps a trailing slash', () => {
    expect(canonicalUri('/example/..')).toBe('/');
    expect(canonicalUri('/./')).toBe('/');
    expect(canonicalUri('/a/b/../c/')).toBe('/a/c/');
    expect(canonicalUri('')).toBe('/');
    // A wire path already percent-encoded is encoded again (every service but S3).
    expect(canonicalUri('/a%20b')).toBe('/a%2520b');
    expect(canonicalUri('/a%20b//c', false)).toBe('/a%20b//c');
  });

  it('canonicalQuery re-encodes reserved characters strictly and keeps empty values', () => {
    expect(canonicalQuery('?b=2&a=&c')).toBe('a=&b=2&c=');
    expect(canonicalQuery("x=a b!'()*")).toBe('x=a%20b%21%27%28%29%2A');
    expect(canonicalQuery('Action=GetCallerIdentity&Version=2011-06-15')).toBe(
      'Action=GetCallerIdentity&Version=2011-06-15',
    );
    expect(canonicalQuery('bad=%E0%A4%A')).toBe('bad=%25E0%25A4%25A');
  });

  it('amzDate drops separators and milliseconds', () => {
    expect(amzDate(new Date('2026-11-30T05:06:07.890Z'))).toBe('20261130T050607Z');
  });

  it('sha256Hex of the empty payload', () => {
    expect(sha256Hex('')).toBe(EMPTY_HASH);
  });
});
