const FEXTRA = 0x04;
const FNAME = 0x08;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The label of what a gzip stream holds: the original name from the gzip header (FNAME), else the
 * name of the gzip file itself without its suffix (`logs.tgz` → `logs.tar`, `app.log.gz` →
 * `app.log`), else that name unchanged; `gzip-data` when nothing names it. A label, never a path.
 */
export function gzipMemberName(head: Buffer, outerName: string): string {
  const stored = storedName(head);
  if (stored !== undefined) return stored;
  const base = outerName.slice(outerName.lastIndexOf('/') + 1);
  const tar = /^(.+)\.t(?:gz|az)$/i.exec(base);
  if (tar !== null) return `${tar[1]}.tar`;
  const plain = /^(.+)\.(?:gz|gzip|z)$/i.exec(base);
  if (plain !== null) return plain[1] as string;
  return base === '' ? 'gzip-data' : base;
}

/** FNAME, if the header has one that ends within `head`: ISO 8859-1 by the RFC, UTF-8 in practice. */
function storedName(head: Buffer): string | undefined {
  if (head.length < 10) return undefined;
  const flags = head[3] ?? 0;
  if ((flags & FNAME) === 0) return undefined;
  let at = 10;
  if ((flags & FEXTRA) !== 0) {
    if (head.length < at + 2) return undefined;
    at += 2 + head.readUInt16LE(at);
  }
  if (at >= head.length) return undefined;
  const end = head.indexOf(0, at);
  if (end <= at) return undefined;
  const bytes = head.subarray(at, end);
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
