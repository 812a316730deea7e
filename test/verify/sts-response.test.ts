import { describe, expect, it } from 'vitest';
import { parseStsResponse } from '../../src/verify/sts-response.js';

describe('parseStsResponse', () => {
  it('reads the XML GetCallerIdentity result, namespaces and entities included', () => {
    const xml = `<?xml version="1.0"?>
<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
</GetCallerIdentityResponse>`;
    expect(parseStsResponse(xml, 'text/xml')).toEqual({
      kind: 'identity',
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/a&b',
      userId: 'AIDACKCEVSQ6C2EXAMPLE',
    });
    expect(parseStsResponse('<x:Account>1</x:Account><x:Arn>a</x:Arn>')).toMatchObject({
      account: '1',
      arn: 'a',
    });
  });

  it('reads XML errors', () => {
    const xml =
      '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>' +
      '<Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>';
    expect(parseStsResponse(xml, 'text/xml')).toEqual({
      kind: 'error',
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('reads the query-protocol JSON result and flat JSON', () => {
    const nested = JSON.stringify({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: {
          Account: '123456789012',
          Arn: 'arn:aws:iam::123456789012:root',
          UserId: '123456789012',
        },
      },
    });
    expect(parseStsResponse(nested, 'application/json')).toMatchObject({
      kind: 'identity',
      account: '123456789012',
    });
    const flat = JSON.stringify({
      Account: '111122223333',
      Arn: 'arn:aws:sts::111122223333:assumed-role/r/s',
    });
    expect(parseStsResponse(flat, '')).toEqual({
      kind: 'identity',
      account: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/r/s',
      userId: '',
    });
  });

  it('reads JSON errors in their several shapes', () => {
    expect(
      parseStsResponse('{"Error":{"Code":"ExpiredToken","Message":"expired"}}', 'application/json'),
    ).toEqual({
      kind: 'error',
      code: 'ExpiredToken',
      message: 'expired',
    });
    expect(
      parseStsResponse('{"__type":"com.amazonaws.sts#InvalidClientTokenId","message":"bad"}'),
    ).toEqual({
      kind: 'error',
      code: 'InvalidClientTokenId',
      message: 'bad',
    });
    expect(parseStsResponse('{"ErrorResponse":{"Error":{"Code":"Throttling"}}}')).toMatchObject({
      code: 'Throttling',
    });
  });

  it('gives up on anything else', () => {
    expect(parseStsResponse('not an STS answer', 'text/plain')).toEqual({ kind: 'unparsed' });
    expect(parseStsResponse('{broken', 'application/json')).toEqual({ kind: 'unparsed' });
    expect(parseStsResponse('[1,2]', 'application/json')).toEqual({ kind: 'unparsed' });
    expect(parseStsResponse('{"ok":true}', 'application/json')).toEqual({ kind: 'unparsed' });
    expect(parseStsResponse('<html><body>proxy error</body></html>', 'text/html')).toEqual({
      kind: 'unparsed',
    });
  });
});
