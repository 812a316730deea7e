import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKeyguardError } from '../../src/model/errors.js';
import { createRandom } from '../../src/rules/expand-placeholders.js';
import { bypassesProxy, createHttpClient, proxyFor } from '../../src/verify/http-client.js';
import { resolveStsEndpoint } from '../../src/verify/sts-endpoint.js';
import { verifyCredential } from '../../src/verify/verify-credential.js';
import { type FakeSts, makeIdentity, startFakeSts } from '../helpers/fake-sts.js';

interface FakeProxy {
  readonly url: string;
  readonly connects: { target: string; auth?: string }[];
  refuse: boolean;
  close(): Promise<void>;
}

/** A CONNECT-only forward proxy on loopback that records the tunnels it opens. */
async function startFakeProxy(): Promise<FakeProxy> {
  const connects: { target: string; auth?: string }[] = [];
  const sockets = new Set<Socket>();
  const state = { refuse: false };
  const server: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const auth = req.headers['proxy-authorization'];
    connects.push({ target, ...(auth === undefined ? {} : { auth }) });
    sockets.add(client);
    if (state.refuse) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    const [host = '', port = '0'] = target.split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    get refuse() {
      return state.refuse;
    },
    set refuse(value: boolean) {
      state.refuse = value;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('proxyFor and bypassesProxy', () => {
  const sts = new URL('https://sts.amazonaws.com/');

  it('picks https_proxy for https, http_proxy for http, lower case first', () => {
    expect(
      proxyFor(sts, { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' })?.host,
    ).toBe('lower:3128');
    expect(proxyFor(sts, { HTTP_PROXY: 'proxy.corp:8080' })?.href).toBe('http://proxy.corp:8080/');
    expect(
      proxyFor(new URL('http://127.0.0.1:4566/'), { HTTPS_PROXY: 'http://p:1' }),
    ).toBeUndefined();
    expect(proxyFor(sts, {})).toBeUndefined();
    expect(proxyFor(sts, undefined)).toBeUndefined();
    expect(proxyFor(sts, { HTTPS_PROXY: '  ' })).toBeUndefined();
  });

  it('honours NO_PROXY entries: *, hosts, suffixes and ports', () => {
    expect(bypassesProxy(sts, '*')).toBe(true);
    expect(bypassesProxy(sts, 'localhost, .amazonaws.com')).toBe(true);
    expect(bypassesProxy(sts, '*.amazonaws.com')).toBe(true);
    expect(bypassesProxy(sts, 'amazonaws.com')).toBe(true);
    expect(bypassesProxy(sts, 'sts.amazonaws.com:8443')).toBe(false);
    expect(bypassesProxy(sts, 'sts.amazonaws.com:443')).toBe(true);
    expect(bypassesProxy(sts, 'xamazonaws.com')).toBe(false);
    expect(bypassesProxy(new URL('http://[::1]:9/'), '[::1]')).toBe(true);
    expect(bypassesProxy(sts, undefined)).toBe(false);
    expect(
      proxyFor(sts, { HTTPS_PROXY: 'http://p:1', no_proxy: '.amazonaws.com' }),
    ).toBeUndefined();
  });

  it('rejects a malformed proxy variable as a usage error that does not echo the value', () => {
    try {
      createHttpClient({ proxy: { HTTPS_PROXY: 'http://user:s3cret@[bad' } });
      expect.unreachable();
    } catch (error) {
      expect(isKeyguardError(error)).toBe(true);
      expect((error as Error).message).toBe('HTTPS_PROXY: not a URL');
    }
    expect(() => createHttpClient({ proxy: { HTTPS_PROXY: 'socks5://127.0.0.1:1080' } })).toThrow(
      'HTTPS_PROXY: only http:// and https:// proxies are supported',
    );
  });
});

describe('verification through a proxy', () => {
  const random = createRandom(77);
  const user = makeIdentity(random, 'user');
  const credential = { fingerprint: 'p', keyId: user.keyId, secret: user.secret };
  let sts: FakeSts;
  let proxy: FakeProxy;

  beforeAll(async () => {
    sts = await startFakeSts({ identities: [user] });
    proxy = await startFakeProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await sts.close();
  });

  it('tunnels through HTTP_PROXY with basic proxy authentication', async () => {
    const before = proxy.connects.length;
    const proxyUrl = proxy.url.replace('http://', 'http://ci%20bot:p%40ss@');
    const result = await verifyCredential(credential, {
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
      http: createHttpClient({ proxy: { HTTP_PROXY: proxyUrl } }),
    });
    expect(result).toMatchObject({ status: 'live', arn: user.arn });
    const seen = proxy.connects.slice(before);
    expect(seen.map((c) => c.target)).toEqual([new URL(sts.url).host]);
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('ci bot:p@ss').toString('base64')}`);
  });

  it('goes direct when NO_PROXY covers the endpoint', async () => {
    const before = proxy.connects.length;
    const result = await verifyCredential(credential, {
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
      http: createHttpClient({ proxy: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }),
    });
    expect(result.status).toBe('live');
    expect(proxy.connects.length).toBe(before);
  });

  it('a proxy refusing the tunnel makes the result unknown (network)', async () => {
    proxy.refuse = true;
    try {
      const result = await verifyCredential(credential, {
        endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
        http: createHttpClient({ proxy: { HTTP_PROXY: proxy.url } }),
      });
      expect(result).toEqual({ status: 'unknown', reason: 'network' });
    } finally {
      proxy.refuse = false;
    }
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe.runIf(hasOpenssl)('HTTPS through HTTPS_PROXY', () => {
  const random = createRandom(78);
  const role = makeIdentity(random, 'role');
  const credential = {
    fingerprint: 't',
    keyId: role.keyId,
    secret: role.secret,
    sessionToken: role.sessionToken ?? '',
  };
  let dir: string;
  let cert: string;
  let sts: FakeSts;
  let proxy: FakeProxy;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyguard-tls-'));
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1']
        .concat(['-addext', 'subjectAltName=IP:127.0.0.1'])
        .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
    );
    expect(made.status).toBe(0);
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    sts = await startFakeSts({
      identities: [role],
      tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert },
    });
    proxy = await startFakeProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await sts.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies over TLS inside the tunnel when the certificate is trusted', async () => {
    const result = await verifyCredential(credential, {
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
      http: createHttpClient({ proxy: { HTTPS_PROXY: proxy.url }, ca: cert }),
    });
    expect(result).toMatchObject({ status: 'live', principal: 'assumed-role' });
    expect(proxy.connects.at(-1)?.target).toBe(new URL(sts.url).host);
  });

  it('refuses an untrusted certificate (TLS is verified through the tunnel)', async () => {
    const result = await verifyCredential(credential, {
      endpoint: resolveStsEndpoint({ AWS_ENDPOINT_URL_STS: sts.url }),
      http: createHttpClient({ proxy: { HTTPS_PROXY: proxy.url } }),
    });
    expect(result).toEqual({ status: 'unknown', reason: 'network' });
  });
});
