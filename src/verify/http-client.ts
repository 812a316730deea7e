import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { KeyguardError } from '../model/errors.js';

export interface HttpRequest {
  readonly url: URL;
  readonly method: string;
  /** Lower-case names; `host` is derived from the URL and not sent from here. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  /** At most MAX_BODY characters: STS answers are small, anything larger is not STS. */
  readonly body: string;
}

/** The one network primitive the verifier needs; tests and proxies swap it. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/** Proxy environment, passed in by the CLI (lower case wins over upper case, as in undici and curl). */
export interface ProxySettings {
  readonly HTTPS_PROXY?: string | undefined;
  readonly https_proxy?: string | undefined;
  readonly HTTP_PROXY?: string | undefined;
  readonly http_proxy?: string | undefined;
  readonly NO_PROXY?: string | undefined;
  readonly no_proxy?: string | undefined;
}

export interface HttpClientOptions {
  readonly proxy?: ProxySettings;
  /** Replaces global fetch (tests). */
  readonly fetch?: typeof fetch;
  /** Extra CA certificates (PEM) for HTTPS reached through a proxy tunnel. */
  readonly ca?: string | readonly string[];
}

const MAX_BODY = 64 * 1024;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function defaultPort(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/** Whether NO_PROXY exempts the URL: `*`, exact hosts, domain suffixes (`.corp`, `*.corp`), optional `:port`. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = defaultPort(url);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(entry);
    if (m === null) continue;
    const name = (m[1] ?? m[2] ?? '').replace(/^\*?\./, '');
    if (m[3] !== undefined && m[3] !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function proxyUrl(settings: ProxySettings, name: keyof ProxySettings): URL | undefined {
  const raw = nonEmpty(settings[name]);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch (error) {
    // The value may hold a proxy password: name the variable, never echo it.
    throw new KeyguardError('USAGE', `${name}: not a URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KeyguardError('USAGE', `${name}: only http:// and https:// proxies are supported`);
  }
  return url;
}

/**
 * The proxy to use for a URL, or undefined to connect directly. Throws a KeyguardError naming the
 * variable when a proxy setting is not an http(s) URL.
 */
export function proxyFor(url: URL, settings: ProxySettings | undefined): URL | undefined {
  if (settings === undefined) return undefined;
  const http = proxyUrl(settings, 'http_proxy') ?? proxyUrl(settings, 'HTTP_PROXY');
  const https = proxyUrl(settings, 'https_proxy') ?? proxyUrl(settings, 'HTTPS_PROXY') ?? http;
  if (bypassesProxy(url, nonEmpty(settings.no_proxy) ?? nonEmpty(settings.NO_PROXY)))
    return undefined;
  return url.protocol === 'https:' ? https : http;
}

function fetchClient(fetchImpl: typeof fetch): HttpClient {
  return async (req) => {
    const response = await fetchImpl(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body === undefined ? {} : { body: req.body }),
      signal: req.signal,
      // A redirect would carry signed headers (and a session token) to another host.
      redirect: 'manual',
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: text.slice(0, MAX_BODY),
    };
  };
}

/** Opens a CONNECT tunnel through an HTTP(S) proxy to the target's host and port. */
function openTunnel(proxy: URL, target: URL, signal: AbortSignal): Promise<Socket> {
  const authority = `${target.hostname}:${defaultPort(target)}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username !== '') {
    const user = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
  }
  const send = proxy.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const connect = send({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: defaultPort(proxy),
      method: 'CONNECT',
      path: authority,
      headers,
      signal,
    });
    connect.once('connect', (res: IncomingMessage, socket: Socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy refused the tunnel (HTTP ${res.statusCode ?? 0})`));
        return;
      }
      resolve(socket);
    });
    connect.once('error', reject);
    connect.end();
  });
}

function tunnelClient(proxy: URL, ca: string | readonly string[] | undefined): HttpClient {
  return async (req) => {
    const socket = await openTunnel(proxy, req.url, req.signal);
    let stream: Duplex = socket;
    if (req.url.protocol === 'https:') {
      const host = req.url.hostname.replace(/^\[|\]$/g, '');
      stream = tlsConnect({
        socket,
        ...(isIP(host) === 0 ? { servername: host } : { host }),
        ...(ca === undefined ? {} : { ca: typeof ca === 'string' ? ca : [...ca] }),
      });
    }
    try {
      return await new Promise<HttpResponse>((resolve, reject) => {
        const out = httpRequest({
          method: req.method,
          path: `${req.url.pathname}${req.url.search}`,
          headers: { ...req.headers, host: req.url.host, connection: 'close' },
          createConnection: () => stream as Socket,
          signal: req.signal,
        });
        out.once('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < MAX_BODY) body += chunk;
          });
          res.once('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: body.slice(0, MAX_BODY),
            }),
          );
          res.once('error', reject);
        });
        out.once('error', reject);
        out.end(req.body);
      });
    } finally {
      stream.destroy();
    }
  };
}

/**
 * An HttpClient on global fetch, tunnelling through HTTPS_PROXY/HTTP_PROXY (minus NO_PROXY) when
 * set. Node 20's fetch ignores proxy variables and does not expose undici's proxy agents, so
 * proxied requests go over a CONNECT tunnel built on node:http and node:tls instead.
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  // Fail on a malformed proxy variable now, as a usage error, not later as a network failure.
  proxyFor(new URL('https://sts.amazonaws.com'), options.proxy);
  const direct = fetchClient(options.fetch ?? globalThis.fetch);
  const tunnels = new Map<string, HttpClient>();
  return (req) => {
    const proxy = proxyFor(req.url, options.proxy);
    if (proxy === undefined) return direct(req);
    let client = tunnels.get(proxy.href);
    if (client === undefined) {
      client = tunnelClient(proxy, options.ca);
      tunnels.set(proxy.href, client);
    }
    return client(req);
  };
}
