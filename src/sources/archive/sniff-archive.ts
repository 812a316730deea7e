/**
 * The containers keyguard opens. A tar inside gzip is two layers: gzip, then tar. A PDF and a PNG
 * are containers too: of decoded streams and text, of compressed text chunks.
 */
export type ArchiveFormat = 'zip' | 'tar' | 'gzip' | 'pdf' | 'png' | 'git-pack' | 'zlib';

const PDF_HEADER = Buffer.from('%PDF-');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Enough bytes for every check below: a tar header block is 512 bytes. */
export const SNIFF_BYTES = 512;

const TAR_MAGIC_OFFSET = 257;
const TAR_CHECKSUM_OFFSET = 148;

/**
 * The archive format of a file, by its first bytes, never by its name: a renamed zip is still a
 * zip, and a `.zip` that is not one is scanned as plain bytes. Give it the first `SNIFF_BYTES`
 * bytes (fewer only when the file is shorter).
 *
 * - zip: a local file header `PK\x03\x04`, or `PK\x05\x06`, the end record of an empty zip. A zip
 *   with something prepended (an executable jar's launch script, a self-extracting stub) is found
 *   by its end instead (`endsAsZip`).
 * - gzip: `1f 8b`, method 8 (deflate) and no reserved flag bits, which rules out most chance
 *   matches in binary files.
 * - pdf: `%PDF-` and a digit at the very start (a text file that only mentions the header is
 *   not one; a PDF with bytes before its header is scanned as plain bytes).
 * - png: its eight-byte signature.
 * - tar: `ustar` at offset 257 (POSIX and GNU) and a valid header checksum, so a text file that
 *   happens to hold "ustar" there is not mistaken for an archive (and then reported unreadable).
 * - git-pack: `PACK` and version 2 or 3 (a repository's packed objects, found in folder scans),
 *   or a bundle's `# v2 git bundle` header before one.
 * - zlib: a zlib header without a preset dictionary (a loose git object, a `.zz` file). Two bytes
 *   prove little (`x^` starts text too): the reader opens it only if it inflates whole.
 */
export function sniffArchive(head: Buffer): ArchiveFormat | undefined {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    if ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06)) {
      return 'zip';
    }
  }
  if (head.length >= 10 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) {
    if (((head[3] ?? 0) & 0xe0) === 0) return 'gzip';
  }
  if (head[0] === 0x25 && head.length >= 6 && head.subarray(0, 5).equals(PDF_HEADER)) {
    const digit = head[5] ?? 0;
    if (digit >= 0x30 && digit <= 0x39) return 'pdf';
  }
  if (head[0] === 0x89 && head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE))
    return 'png';
  if (head.length >= SNIFF_BYTES && isTarHeader(head)) return 'tar';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'PACK' && head.readUInt32BE(4) >= 2) {
    if (head.readUInt32BE(4) <= 3) return 'git-pack';
  }
  // A bundle (`git bundle create`): its refs, a blank line, then a pack.
  if (/^# v[23] git bundle\n/.test(head.toString('latin1', 0, 16))) return 'git-pack';
  // Last: `x^` also starts text. No preset dictionary (git and zlib never write one).
  const flg = head[1] ?? 0x20;
  if (head.length >= 8 && head[0] === 0x78 && (flg & 0x20) === 0 && ((0x78 << 8) | flg) % 31 === 0)
    return 'zlib';
  return undefined;
}

function isTarHeader(block: Buffer): boolean {
  if (block.toString('latin1', TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + 5) !== 'ustar') return false;
  const recorded = readOctal(block, TAR_CHECKSUM_OFFSET, 8);
  if (recorded === undefined) return false;
  // The checksum field counts as eight spaces. Old tars summed signed bytes; accept either sum.
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < 512; i++) {
    if (i >= TAR_CHECKSUM_OFFSET && i < TAR_CHECKSUM_OFFSET + 8) continue;
    const b = block[i] ?? 0;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return recorded === unsigned || recorded === signed;
}

function readOctal(block: Buffer, offset: number, length: number): number | undefined {
  const text = block
    .toString('latin1', offset, offset + length)
    .replace(/[\0 ]+$/, '')
    .replace(/^[ ]+/, '');
  return /^[0-7]{1,7}$/.test(text) ? Number.parseInt(text, 8) : undefined;
}
