/** What an STS answer said, whatever its format. */
export type StsAnswer =
  | {
      readonly kind: 'identity';
      readonly account: string;
      readonly arn: string;
      readonly userId: string;
    }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'unparsed' };

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** Text of the first `<tag>…</tag>` (namespace prefixes allowed), entity-decoded and trimmed. */
function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(
    `<(?:[A-Za-z0-9_-]+:)?${tag}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z0-9_-]+:)?${tag}>`,
  ).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXml(m[1]).trim();
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function fromJson(body: string): StsAnswer {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return { kind: 'unparsed' };
  }
  const root = record(data);
  if (root === undefined) return { kind: 'unparsed' };
  // Query protocol as JSON: GetCallerIdentityResponse.GetCallerIdentityResult; JSON protocols: flat.
  const result = record(record(root.GetCallerIdentityResponse)?.GetCallerIdentityResult) ?? root;
  const account = str(result.Account);
  const arn = str(result.Arn);
  const userId = str(result.UserId);
  if (account !== undefined && arn !== undefined)
    return { kind: 'identity', account, arn, userId: userId ?? '' };
  const error = record(root.Error) ?? record(record(root.ErrorResponse)?.Error) ?? root;
  const rawCode = str(error.Code) ?? str(error.code) ?? str(root.__type);
  if (rawCode === undefined) return { kind: 'unparsed' };
  // `__type` may be `com.amazonaws.sts#InvalidClientTokenId` or `sts:InvalidClientTokenId`.
  const code = rawCode.replace(/^.*[#:]/, '');
  return { kind: 'error', code, message: str(error.Message) ?? str(error.message) ?? '' };
}

function fromXml(body: string): StsAnswer {
  const account = xmlText(body, 'Account');
  const arn = xmlText(body, 'Arn');
  if (account !== undefined && arn !== undefined) {
    return { kind: 'identity', account, arn, userId: xmlText(body, 'UserId') ?? '' };
  }
  const code = xmlText(body, 'Code');
  if (code !== undefined) return { kind: 'error', code, message: xmlText(body, 'Message') ?? '' };
  return { kind: 'unparsed' };
}

/** Parses a GetCallerIdentity answer in XML (STS's default) or JSON, judged by its content. */
export function parseStsResponse(body: string, contentType = ''): StsAnswer {
  const trimmed = body.trimStart();
  if (contentType.includes('json') || trimmed.startsWith('{')) return fromJson(trimmed);
  if (trimmed.startsWith('<')) return fromXml(trimmed);
  return { kind: 'unparsed' };
}
