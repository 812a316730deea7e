import { nodeCrypto } from '../model/node-crypto.js';

/** Key material for one signature. Only this module and the verifier ever hold it. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (ASIA): sent and signed as `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/** Header list: pairs keep repeated names (joined with commas when canonicalised). */
export type HeaderInput = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

export interface SignableRequest {
  readonly method: string;
  /** Host, path and query are taken from the URL (path and query as they go on the wire). */
  readonly url: URL;
  readonly headers?: HeaderInput;
  readonly body?: string | Uint8Array;
}

export interface SignOptions {
  readonly service: string;
  readonly region: string;
  /** Signing time; defaults to now. */
  readonly date?: Date;
  /**
   * Normalise and re-encode the path (every service but S3). Default true.
   * S3 signs the path exactly as sent.
   */
  readonly normalizePath?: boolean;
}

export interface SignedRequest {
  /** Lower-case header names: the input headers plus host, x-amz-date, token and authorization. */
  readonly headers: Readonly<Record<string, string>>;
  readonly signature: string;
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/** What a canonical request is built from: enough for a server to check a signature too. */
export interface CanonicalParts {
  readonly method: string;
  /** Path as sent on the wire, before normalisation. */
  readonly path: string;
  /** Raw query string without the leading `?`. */
  readonly query: string;
  /** Headers to sign; names in any case, repeated names allowed. */
  readonly headers: readonly (readonly [string, string])[];
  /** Hex SHA-256 of the payload. */
  readonly payloadHash: string;
  readonly normalizePath?: boolean;
}

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** Headers that proxies and HTTP stacks rewrite: signing them breaks signatures in transit. */
const UNSIGNED = new Set([
  'authorization',
  'user-agent',
  'expect',
  'connection',
  'x-amzn-trace-id',
]);

export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The HMAC chain `"AWS4"+secret → date → region → service → "aws4_request"`. */
export function deriveSigningKey(
  secret: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const kDate = hmac(`AWS4${secret}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** RFC 3986 encoding: everything but `A–Z a–z 0–9 - . _ ~` as %XX of its UTF-8 bytes. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Canonical URI: dot segments and empty segments removed, each segment URI-encoded. */
export function canonicalUri(path: string, normalize = true): string {
  if (!normalize) return path === '' ? '/' : path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.join('/')}${trailing}`;
}

/** Canonical query: each name and value decoded then strictly re-encoded, sorted by name, then value. */
export function canonicalQuery(query: string): string {
  const q = query.startsWith('?') ? query.slice(1) : query;
  if (q === '') return '';
  const pairs: [string, string][] = [];
  for (const part of q.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(safeDecode(name)), uriEncode(safeDecode(value))]);
  }
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** Lower-case names, trimmed values with inner runs of spaces collapsed, repeats comma-joined, sorted. */
export function canonicalHeaders(headers: readonly (readonly [string, string])[]): {
  readonly canonical: string;
  readonly signedHeaders: string;
} {
  const merged = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase().trim();
    const clean = value.trim().replace(/\s+/g, ' ');
    const list = merged.get(key);
    if (list === undefined) merged.set(key, [clean]);
    else list.push(clean);
  }
  const names = [...merged.keys()].sort();
  const canonical = names.map((n) => `${n}:${(merged.get(n) ?? []).join(',')}\n`).join('');
  return { canonical, signedHeaders: names.join(';') };
}

export function buildCanonicalRequest(parts: CanonicalParts): {
  readonly canonicalRequest: string;
  readonly signedHeaders: string;
} {
  const { canonical, signedHeaders } = canonicalHeaders(parts.headers);
  const canonicalRequest = [
    parts.method.toUpperCase(),
    canonicalUri(parts.path, parts.normalizePath ?? true),
    canonicalQuery(parts.query),
    canonical,
    signedHeaders,
    parts.payloadHash,
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** `20150830T123600Z` for a Date. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function credentialScope(date8: string, region: string, service: string): string {
  return `${date8}/${region}/${service}/aws4_request`;
}

export function buildStringToSign(
  timestamp: string,
  scope: string,
  canonicalRequest: string,
): string {
  return [SIGV4_ALGORITHM, timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
}

export function computeSignature(signingKey: Uint8Array, stringToSign: string): string {
  return nodeCrypto().createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

function headerPairs(headers: HeaderInput | undefined): (readonly [string, string])[] {
  if (headers === undefined) return [];
  return Array.isArray(headers)
    ? [...(headers as readonly (readonly [string, string])[])]
    : Object.entries(headers as Readonly<Record<string, string>>);
}

/**
 * Signs a request with AWS Signature Version 4 (header form). Returns the headers to send;
 * the secret never appears in them, only the HMAC derived from it.
 */
export function signV4(
  request: SignableRequest,
  credentials: SigningCredentials,
  options: SignOptions,
): SignedRequest {
  const timestamp = amzDate(options.date ?? new Date());
  const date8 = timestamp.slice(0, 8);
  const replaced = new Set(['host', 'x-amz-date', 'x-amz-security-token', 'authorization']);
  const given = headerPairs(request.headers).filter(([n]) => !replaced.has(n.toLowerCase()));
  const added: [string, string][] = [
    ['host', request.url.host],
    ['x-amz-date', timestamp],
  ];
  if (credentials.sessionToken !== undefined)
    added.push(['x-amz-security-token', credentials.sessionToken]);
  const all = [...given, ...added];
  const toSign = all.filter(([n]) => !UNSIGNED.has(n.toLowerCase()));
  const body = request.body ?? '';
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest({
    method: request.method,
    path: request.url.pathname,
    query: request.url.search,
    headers: toSign,
    payloadHash: sha256Hex(body),
    normalizePath: options.normalizePath ?? true,
  });
  const scope = credentialScope(date8, options.region, options.service);
  const stringToSign = buildStringToSign(timestamp, scope, canonicalRequest);
  const signingKey = deriveSigningKey(
    credentials.secretAccessKey,
    date8,
    options.region,
    options.service,
  );
  const signature = computeSignature(signingKey, stringToSign);
  const headers: Record<string, string> = {};
  for (const [name, value] of all) {
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  headers.authorization =
    `${SIGV4_ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, signature, signedHeaders, canonicalRequest, stringToSign };
}
