import { sniffArchive } from './sniff-archive.js';
import { sniffUnopened } from './sniff-unopened.js';

/** What a script carries after its text, and where that starts. */
export interface ScriptPayload {
  /** Offset of the payload from the start of the region searched. */
  readonly at: number;
  /** `gzip` (opened), or the name of a compressed format keyguard does not open. */
  readonly format: string;
  readonly opens: boolean;
}

/**
 * The magic bytes a self-extracting script's payload starts with: makeself's gzip, bzip2, xz,
 * zstd, compress (`.Z`), lz4 and lzo; 7z and rar by hand. Each is checked in full where found
 * (sniffArchive, sniffUnopened).
 */
const MAGICS = [
  [0x1f, 0x8b, 0x08],
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
  [0x28, 0xb5, 0x2f, 0xfd],
  [0x1f, 0x9d],
  [0x04, 0x22, 0x4d, 0x18],
  [0x89, 0x4c, 0x5a, 0x4f, 0x00],
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07],
].map((m) => Buffer.from(m));

/** Bytes a payload's header is judged on: the longest magic and what must follow it. */
export const PAYLOAD_HEAD_BYTES = 64;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Whether content starting at buf[start] is a script: `#!`, after a UTF-8 byte-order mark or not. */
export function isScript(buf: Buffer, start: number, end: number): boolean {
  const bom = UTF8_BOM.every((b, i) => buf[start + i] === b) ? 3 : 0;
  return end - start >= bom + 2 && buf[start + bom] === 0x23 && buf[start + bom + 1] === 0x21;
}

/** Whether bytes too few to tell could still be the start of a script (see isScript). */
function startsAScript(bytes: Buffer): boolean {
  const starts = (prefix: readonly number[]) =>
    bytes.length < prefix.length && bytes.every((b, i) => b === prefix[i]);
  return starts([0x23, 0x21]) || starts([...UTF8_BOM, 0x23, 0x21]);
}

/** Whether bytes hold something text does not: a control byte other than tab, LF, CR, or a NUL. */
function holdsBinary(bytes: Buffer): boolean {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return true;
  return false;
}

/**
 * The first compressed payload in buf[start, end), which belongs to a script (see isScript): a
 * gzip member (opened from there) or a format keyguard does not open (listed, so the scan fails
 * closed). That is how makeself installers and hand-made `.run` or `.bin` self-extractors are
 * built, `cat script.sh payload.tar.gz`: an archive that starts in the middle of a file, which a
 * look at the file's first bytes never sees. Zips are found by their end (`endsAsZip`) instead.
 * A magic made of text (bzip2's `BZh91AY&SY`) counts only when bytes that text does not hold
 * follow it, so a script that merely writes one is not a payload.
 */
export function payloadIn(buf: Buffer, start: number, end: number): ScriptPayload | undefined {
  const region = buf.subarray(start, end);
  let first: ScriptPayload | undefined;
  for (const magic of MAGICS) {
    let at = region.indexOf(magic);
    while (at !== -1 && (first === undefined || at < first.at)) {
      const head = region.subarray(at, Math.min(region.length, at + PAYLOAD_HEAD_BYTES));
      const opened = sniffArchive(head) === 'gzip' ? 'gzip' : undefined;
      const format = opened ?? sniffUnopened(head);
      if (format !== undefined && holdsBinary(head)) {
        first = { at, format, opens: opened !== undefined };
        break;
      }
      at = region.indexOf(magic, at + 1);
    }
  }
  return first;
}

/** The first payload in content held whole (or its first window), when that content is a script. */
export function scriptPayload(buf: Buffer, start: number, end: number): ScriptPayload | undefined {
  return isScript(buf, start, end) ? payloadIn(buf, start, end) : undefined;
}

/**
 * Follows content that arrives in pieces (a stream too large to hold, an archive's entry) for a
 * script's first payload, wherever it starts: each piece is searched with the last bytes of the
 * one before, so a payload cut between two pieces is seen whole.
 */
export class PayloadWatch {
  /** The first payload seen, its offset counted from the start of the content. */
  found: ScriptPayload | undefined;
  private script: boolean | undefined;
  private carry = Buffer.alloc(0);
  /** Where `carry` starts in the content. */
  private offset = 0;

  push(piece: Buffer): void {
    if (this.found !== undefined || this.script === false || piece.length === 0) return;
    const region = this.carry.length === 0 ? piece : Buffer.concat([this.carry, piece]);
    if (this.script === undefined) {
      // `#!` after a byte-order mark is five bytes: wait for them (a piece may be shorter).
      if (!isScript(region, 0, region.length) && startsAScript(region)) {
        this.carry = Buffer.from(region);
        return;
      }
      this.script = isScript(region, 0, region.length);
      if (!this.script) return;
    }
    const payload = payloadIn(region, 0, region.length);
    if (payload !== undefined) {
      this.found = { ...payload, at: this.offset + payload.at };
      return;
    }
    const keep = Math.min(region.length, PAYLOAD_HEAD_BYTES);
    this.offset += region.length - keep;
    this.carry = Buffer.from(region.subarray(region.length - keep));
  }
}
