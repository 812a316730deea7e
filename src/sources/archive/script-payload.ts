import { type ArchiveFormat, SNIFF_BYTES, sniffArchive } from './sniff-archive.js';
import { sniffUnopened } from './sniff-unopened.js';

/** What a script carries after its text, and where that starts. */
export interface ScriptPayload {
  /** Offset of the payload from the start of the region searched. */
  readonly at: number;
  /** The format to open it as, or the name of a compressed format keyguard does not open. */
  readonly format: string;
  /** Set when keyguard opens this format (gzip, zlib, tar). */
  readonly opens?: ArchiveFormat;
}

/** The longest magic, and what must follow it to tell (bzip2: `BZh91AY&SY` then its CRC). */
export const PAYLOAD_HEAD_BYTES = 64;
/** A tar header's `ustar` is this far in; its name field, text, is the first 100 bytes. */
const TAR_MAGIC_OFFSET = 257;
const TAR_NAME_BYTES = 100;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Bytes text does not hold: C0 controls but tab, LF, VT, FF, CR and ESC (a script may print
 * colours), and DEL. Bytes from 0x80 are UTF-8 text as far as this goes.
 */
const BINARY = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) BINARY[b] = 1;
for (const b of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]) BINARY[b] = 0;
BINARY[0x7f] = 1;

/** Whether content starting at buf[start] is a script: `#!`, after a UTF-8 byte-order mark or not. */
export function isScript(buf: Buffer, start: number, end: number): boolean {
  const bom = UTF8_BOM.every((b, i) => buf[start + i] === b) ? 3 : 0;
  return end - start >= bom + 2 && buf[start + bom] === 0x23 && buf[start + bom + 1] === 0x21;
}

/** Where the first byte that text does not hold lies in buf[from, end), or -1. */
export function textEnd(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (BINARY[buf[i] as number] === 1) return i;
  return -1;
}

/**
 * The payload whose bytes start the binary part of a script, when `binary` (the first byte that
 * text does not hold) is covered by buf[start, end). A self-extracting script (makeself, a
 * hand-made `.run`: `cat script.sh payload.tar.gz`) is text up to its payload, and every payload
 * format holds such a byte within its first bytes: the payload starts there, or a few bytes before
 * (a magic made of text, `BZh91AY&SY`, `7z`, `Rar!`), or, for an uncompressed tar, at most a name
 * field before. Gzip, zlib and tar are opened; a format keyguard does not open is named, for the
 * scan to list. Binary after a script's text that starts no payload (an `#!AMR` recording) is
 * none: nothing is searched past that first byte, so the cost is one pass to it.
 */
export function payloadAt(
  buf: Buffer,
  start: number,
  end: number,
  binary: number,
): ScriptPayload | undefined {
  // Nearest first: text before a payload may hold a magic's first bytes by chance (`x^` is zlib's).
  for (let at = binary; at >= Math.max(start, binary - PAYLOAD_HEAD_BYTES); at--) {
    const head = buf.subarray(at, Math.min(end, at + SNIFF_BYTES));
    const opens = sniffArchive(head);
    if (opens === 'gzip' || opens === 'zlib') return { at: at - start, format: opens, opens };
    const unopened = sniffUnopened(head);
    if (unopened !== undefined) return { at: at - start, format: unopened };
  }
  // An uncompressed tar (makeself --nocomp): its first header's name ends in NUL padding.
  const near = buf.subarray(binary, Math.min(end, binary + TAR_MAGIC_OFFSET + 5));
  const ustar = near.indexOf('ustar');
  const header = binary + ustar - TAR_MAGIC_OFFSET;
  if (ustar !== -1 && header >= Math.max(start, binary - TAR_NAME_BYTES) && header <= binary) {
    if (sniffArchive(buf.subarray(header, Math.min(end, header + SNIFF_BYTES))) === 'tar')
      return { at: header - start, format: 'tar', opens: 'tar' };
  }
  return undefined;
}

/** The payload in content held whole (or its first window), when that content is a script. */
export function scriptPayload(buf: Buffer, start: number, end: number): ScriptPayload | undefined {
  if (!isScript(buf, start, end)) return undefined;
  const binary = textEnd(buf, start, end);
  return binary === -1 ? undefined : payloadAt(buf, start, end, binary);
}

/**
 * Follows content that arrives in pieces (a large file in windows, a stream too large to hold, an
 * archive's entry) to the end of a script's text, and says what payload starts there. Each piece
 * is looked at with the bytes just before it, so a payload cut between two pieces is seen whole.
 */
export class PayloadWatch {
  /** The payload, its offset counted from the start of the content. */
  found: ScriptPayload | undefined;
  /** No more to look for: not a script, or its text has ended. */
  done = false;
  private script: boolean | undefined;
  private carry = Buffer.alloc(0);
  /** Where `carry` starts in the content. */
  private offset = 0;
  /** A binary byte seen, and the bytes after it awaited to tell the payload. */
  private binary = -1;

  push(piece: Buffer): void {
    if (this.done || piece.length === 0) return;
    if (this.script === true && this.binary === -1 && piece.length > PAYLOAD_HEAD_BYTES) {
      // Text goes on (most pieces of a script): only its last bytes are kept, never copied whole.
      if (textEnd(piece, 0, piece.length) === -1) {
        const keep = PAYLOAD_HEAD_BYTES + TAR_NAME_BYTES;
        const tail = Buffer.concat([this.carry, piece.subarray(Math.max(0, piece.length - keep))]);
        this.offset += this.carry.length + piece.length - Math.min(tail.length, keep);
        this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - keep)));
        return;
      }
    }
    const region = this.carry.length === 0 ? piece : Buffer.concat([this.carry, piece]);
    if (this.script === undefined) {
      // `#!` after a byte-order mark is five bytes: wait for them (a piece may be shorter).
      if (!isScript(region, 0, region.length) && startsAScript(region)) {
        this.carry = Buffer.from(region);
        return;
      }
      this.script = isScript(region, 0, region.length);
      if (!this.script) {
        this.done = true;
        return;
      }
    }
    if (this.binary === -1) {
      const binary = textEnd(region, 0, region.length);
      if (binary !== -1) this.binary = this.offset + binary;
    }
    // Enough after the binary byte to tell any payload (a tar's magic is furthest), or the end.
    if (this.binary !== -1 && this.offset + region.length >= this.binary + SNIFF_BYTES) {
      this.decide(region);
      return;
    }
    const keep =
      this.binary === -1
        ? Math.min(region.length, PAYLOAD_HEAD_BYTES + TAR_NAME_BYTES)
        : region.length;
    this.offset += region.length - keep;
    this.carry = Buffer.from(region.subarray(region.length - keep));
  }

  /** The content has ended: what was seen is all there is. */
  finish(): void {
    if (this.done || this.binary === -1) return;
    this.decide(this.carry);
  }

  private decide(region: Buffer): void {
    const payload = payloadAt(region, 0, region.length, this.binary - this.offset);
    if (payload !== undefined) this.found = { ...payload, at: this.offset + payload.at };
    this.done = true;
  }
}

/** Whether bytes too few to tell could still be the start of a script (see isScript). */
function startsAScript(bytes: Buffer): boolean {
  const starts = (prefix: readonly number[]) =>
    bytes.length < prefix.length && bytes.every((b, i) => b === prefix[i]);
  return starts([0x23, 0x21]) || starts([...UTF8_BOM, 0x23, 0x21]);
}
