/** Formats keyguard recognises but does not open, by their magic bytes. */
const UNOPENED: readonly { readonly name: string; readonly magic: readonly number[] }[] = [
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: '7z', magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'rar', magic: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] },
  { name: 'lz4', magic: [0x04, 0x22, 0x4d, 0x18] },
  { name: 'lzop', magic: [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a] },
  { name: 'compress (.Z)', magic: [0x1f, 0x9d] },
  { name: 'lzma', magic: [0x5d, 0x00, 0x00] },
];

/**
 * The name of a compressed or archive format keyguard does not open, when content starts as one:
 * its content cannot be read, so the scan must say so rather than pass over it. bzip2 also needs
 * a block size digit and its block magic (`BZh` alone starts ordinary text).
 */
export function sniffUnopened(head: Buffer): string | undefined {
  for (const f of UNOPENED) {
    if (head.length < f.magic.length || f.magic.some((b, i) => head[i] !== b)) continue;
    if (f.name === 'compress (.Z)') {
      // Two bytes alone start binary files by chance: the flags byte must be valid too (9 to 16
      // bits a code, no reserved bit).
      const flags = head[2];
      if (flags === undefined || (flags & 0x60) !== 0 || (flags & 0x1f) < 9 || (flags & 0x1f) > 16)
        continue;
    }
    if (f.name === 'lzma') {
      // The legacy .lzma header (xz --format=lzma): no magic, but its dictionary size is a power
      // of two, or one and a half of one, from 4 KiB up.
      if (head.length < 13) continue;
      const dict = head.readUInt32LE(1);
      const top = 2 ** Math.floor(Math.log2(Math.max(1, dict)));
      if (dict < 4096 || (dict !== top && dict !== top + top / 2)) continue;
    }
    if (f.name === 'bzip2') {
      const level = head[3] ?? 0;
      const block = head.toString('latin1', 4, 10);
      if (level < 0x31 || level > 0x39 || (block !== '1AY&SY' && block !== '\x17rE8P\x90'))
        continue;
    }
    return f.name;
  }
  return undefined;
}

/** Why content in a format keyguard does not open was not read (a skip's detail). */
export function unopenedDetail(format: string): string {
  return `${format} compressed data: keyguard does not open this format, so what it holds was not read (its raw bytes were scanned)`;
}
