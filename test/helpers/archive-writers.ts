// Small zip, tar and gzip writers for tests: archives are built at test time (no binary fixtures),
// including the malformed and hostile ones no archiver would produce. Written from the format
// specifications (PKWARE APPNOTE, POSIX ustar, RFC 1951/1952).
import { open } from 'node:fs/promises';
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MiB = 1024 * 1024;

export interface ZipEntrySpec {
  /** Raw bytes are written as they are; a string is UTF-8 (the UTF-8 flag is set when needed). */
  readonly name: string | Buffer;
  readonly data?: Buffer;
  /** 0 stored, 8 deflated (default), anything else is written as is with `stored` bytes. */
  readonly method?: number;
  /** The bytes to store instead of compressing `data` (a hand-made deflate stream, garbage…). */
  readonly stored?: Buffer;
  /** Declared uncompressed size (default: data length). */
  readonly declaredSize?: number;
  /** Extra general-purpose flag bits (1: encrypted). */
  readonly flags?: number;
  /** Unix mode, written in the external attributes with "made by Unix". */
  readonly unixMode?: number;
}

interface Prepared {
  readonly name: Buffer;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly stored: Buffer;
  readonly size: number;
  readonly unixMode: number | undefined;
}

function prepare(entry: ZipEntrySpec): Prepared {
  const data = entry.data ?? Buffer.alloc(0);
  const method = entry.method ?? 8;
  const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
  const utf8 =
    typeof entry.name === 'string' && Buffer.byteLength(entry.name) !== entry.name.length
      ? 0x800
      : 0;
  const stored = entry.stored ?? (method === 8 ? deflateRawSync(data) : data);
  return {
    name,
    flags: (entry.flags ?? 0) | utf8,
    method,
    crc: crc32(data),
    stored,
    size: entry.declaredSize ?? data.length,
    unixMode: entry.unixMode,
  };
}

function localHeader(p: Prepared, storedLength = p.stored.length): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(p.flags, 6);
  h.writeUInt16LE(p.method, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0x21, 12);
  h.writeUInt32LE(p.crc, 14);
  h.writeUInt32LE(Math.min(storedLength, 0xfffffffe), 18);
  h.writeUInt32LE(Math.min(p.size, 0xfffffffe), 22);
  h.writeUInt16LE(p.name.length, 26);
  h.writeUInt16LE(0, 28);
  return Buffer.concat([h, p.name]);
}

function centralHeader(p: Prepared, offset: number, storedLength = p.stored.length): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(p.unixMode === undefined ? 20 : (3 << 8) | 20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(p.flags, 8);
  h.writeUInt16LE(p.method, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(0x21, 14);
  h.writeUInt32LE(p.crc, 16);
  h.writeUInt32LE(Math.min(storedLength, 0xfffffffe), 20);
  h.writeUInt32LE(Math.min(p.size, 0xfffffffe), 24);
  h.writeUInt16LE(p.name.length, 28);
  h.writeUInt16LE(0, 30);
  h.writeUInt16LE(0, 32);
  h.writeUInt16LE(0, 34);
  h.writeUInt16LE(0, 36);
  h.writeUInt32LE(p.unixMode === undefined ? 0 : (p.unixMode << 16) >>> 0, 38);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, p.name]);
}

/** The end of central directory record; with more than 65,535 entries, the zip64 one and its locator first. */
function endRecord(count: number, cdSize: number, cdOffset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(Math.min(count, 0xffff), 8);
  e.writeUInt16LE(Math.min(count, 0xffff), 10);
  e.writeUInt32LE(cdSize, 12);
  e.writeUInt32LE(cdOffset, 16);
  if (count < 0xffff) return e;
  const z = Buffer.alloc(56);
  z.writeUInt32LE(0x06064b50, 0);
  z.writeBigUInt64LE(44n, 4);
  z.writeUInt16LE(45, 12);
  z.writeUInt16LE(45, 14);
  z.writeBigUInt64LE(BigInt(count), 24);
  z.writeBigUInt64LE(BigInt(count), 32);
  z.writeBigUInt64LE(BigInt(cdSize), 40);
  z.writeBigUInt64LE(BigInt(cdOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([z, locator, e]);
}

export interface ZipLayout {
  /**
   * Bytes before the zip (a self-extracting stub, an executable jar's launch script); the
   * directory's offsets count them, as `zip -A` and jar launchers write them.
   */
  readonly prefix?: Buffer;
  /** Entries written as local records before the listed ones, but left out of the directory. */
  readonly unlisted?: readonly ZipEntrySpec[];
  /** The archive comment, after the end record (what `zip -z` writes). */
  readonly comment?: Buffer;
}

/** A zip with these entries, in this order. */
export function zipBuffer(entries: readonly ZipEntrySpec[], layout: ZipLayout = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  if (layout.prefix !== undefined) {
    parts.push(layout.prefix);
    offset += layout.prefix.length;
  }
  for (const entry of layout.unlisted ?? []) {
    const p = prepare(entry);
    const local = localHeader(p);
    parts.push(local, p.stored);
    offset += local.length + p.stored.length;
  }
  for (const entry of entries) {
    const p = prepare(entry);
    const local = localHeader(p);
    central.push(centralHeader(p, offset));
    parts.push(local, p.stored);
    offset += local.length + p.stored.length;
  }
  const cd = Buffer.concat(central);
  const end = endRecord(entries.length, cd.length, offset);
  const comment = layout.comment ?? Buffer.alloc(0);
  // The comment length is the end record's last field.
  end.writeUInt16LE(comment.length, end.length - 2);
  return Buffer.concat([...parts, cd, end, comment]);
}

export interface StreamedZipOptions {
  /** Descriptors start with their optional signature PK\x07\x08 (default true). */
  readonly signature?: boolean;
  /** Descriptors carry 8-byte sizes, as a writer that could not know the size wrote them. */
  readonly zip64?: boolean;
}

/**
 * A zip as streaming writers make one (Java's ZipOutputStream, `zip -` to a pipe, Python's zipfile
 * on an unseekable file): every entry has flag bit 3, zero sizes and CRC in its local header, and a
 * data descriptor after its data; the central directory has the real values.
 */
export function streamedZipBuffer(
  entries: readonly ZipEntrySpec[],
  { signature = true, zip64 = false }: StreamedZipOptions = {},
): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const p = prepare({ ...entry, flags: (entry.flags ?? 0) | 0x8 });
    const local = localHeader({ ...p, crc: 0, size: 0 }, 0);
    const descriptor = Buffer.alloc((signature ? 4 : 0) + (zip64 ? 20 : 12));
    let at = 0;
    if (signature) at = descriptor.writeUInt32LE(0x08074b50, 0);
    at = descriptor.writeUInt32LE(p.crc, at);
    if (zip64) {
      at = descriptor.writeBigUInt64LE(BigInt(p.stored.length), at);
      descriptor.writeBigUInt64LE(BigInt(p.size), at);
    } else {
      at = descriptor.writeUInt32LE(p.stored.length, at);
      descriptor.writeUInt32LE(p.size, at);
    }
    central.push(centralHeader(p, offset));
    parts.push(local, p.stored, descriptor);
    offset += local.length + p.stored.length + descriptor.length;
  }
  const cd = Buffer.concat(central);
  return Buffer.concat([...parts, cd, endRecord(entries.length, cd.length, offset)]);
}

/**
 * The zip with `block` between its last local record and its central directory, the end record's
 * directory offset moved past it: where an APK keeps its signing block.
 */
export function blockBeforeDirectory(zip: Buffer, block: Buffer): Buffer {
  const end = zip.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  if (end === -1) throw new RangeError('no end record');
  const directory = zip.readUInt32LE(end + 16);
  const out = Buffer.concat([zip.subarray(0, directory), block, zip.subarray(directory)]);
  out.writeUInt32LE(directory + block.length, end + block.length + 16);
  return out;
}

/**
 * The zip with the sizes of its `index`th central-directory entry set to 0 (as a directory's
 * are), and with `local` its local header's too: the data stays where it was.
 */
export function zeroSizesListed(zip: Buffer, index = 0, { local = false } = {}): Buffer {
  const out = Buffer.from(zip);
  let at = out.indexOf(Buffer.from('PK\x01\x02', 'latin1'));
  for (let i = 0; i < index; i++) {
    at = out.indexOf(Buffer.from('PK\x01\x02', 'latin1'), at + 46);
  }
  if (at === -1) throw new RangeError('no such central directory entry');
  out.writeUInt32LE(0, at + 20);
  out.writeUInt32LE(0, at + 24);
  if (local) {
    const header = out.readUInt32LE(at + 42);
    out.writeUInt32LE(0, header + 18);
    out.writeUInt32LE(0, header + 22);
  }
  return out;
}

/**
 * A raw deflate stream of `mib` MiB of zeros without compressing them: one fully flushed block of
 * 1 MiB (about 1 KiB, byte-aligned, no back-references across it) repeated, then a final empty
 * block. This is how 42.zip-style kernels are made cheaply.
 */
export function deflatedZeros(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_FULL_FLUSH });
  const parts: Buffer[] = new Array(mib).fill(block);
  parts.push(deflateRawSync(Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** A zip holding one deflated entry of `mib` MiB of zeros, built from `deflatedZeros`. */
export function zerosZip(name: string, mib: number): Buffer {
  return zipBuffer([
    { name, stored: deflatedZeros(mib), declaredSize: mib * MiB, data: Buffer.alloc(0) },
  ]);
}

/**
 * A non-recursive overlapping zip bomb (the construction from Fifield's "A better zip bomb"):
 * entry i's deflate data is a stored block quoting local header i+1, then entry i+1's data, down to
 * one shared kernel. Each entry expands to the kernel's output plus the quoted headers, while the
 * file holds the kernel once.
 */
export function overlappingZip(count: number, kernel: Buffer, kernelSize: number): Buffer {
  const names = Array.from({ length: count }, (_, i) =>
    Buffer.from(`f${String(i).padStart(4, '0')}`),
  );
  const crc = 0;
  const headers = names.map((name) => {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(8, 8);
    h.writeUInt16LE(0x21, 12);
    h.writeUInt32LE(crc, 14);
    h.writeUInt16LE(name.length, 26);
    return Buffer.concat([h, name]);
  });
  // Layout: LH0 Q0 LH1 Q1 ... LH(n-1) KERNEL, where Qi quotes LH(i+1) as a non-final stored block.
  const quote = (length: number): Buffer => {
    const q = Buffer.alloc(5);
    q.writeUInt8(0, 0);
    q.writeUInt16LE(length, 1);
    q.writeUInt16LE(~length & 0xffff, 3);
    return q;
  };
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (let i = 0; i < count; i++) {
    offsets.push(offset);
    const header = headers[i] as Buffer;
    parts.push(header);
    offset += header.length;
    if (i < count - 1) {
      const q = quote((headers[i + 1] as Buffer).length);
      parts.push(q);
      offset += q.length;
    }
  }
  parts.push(kernel);
  offset += kernel.length;
  const end = offset;
  // Sizes: each entry's data runs from after its own header to the end of the kernel.
  const central: Buffer[] = [];
  let quotedAfter = 0;
  const outputs: number[] = new Array(count).fill(0);
  for (let i = count - 1; i >= 0; i--) {
    outputs[i] = kernelSize + quotedAfter;
    quotedAfter += (headers[i] as Buffer).length;
  }
  for (let i = 0; i < count; i++) {
    const header = headers[i] as Buffer;
    const dataStart = (offsets[i] as number) + header.length;
    const p: Prepared = {
      name: names[i] as Buffer,
      flags: 0,
      method: 8,
      crc,
      stored: Buffer.alloc(0),
      size: outputs[i] as number,
      unixMode: undefined,
    };
    central.push(centralHeader(p, offsets[i] as number, end - dataStart));
  }
  // Local headers must carry the sizes too for strict readers; ours reads the central directory.
  const cd = Buffer.concat(central);
  return Buffer.concat([...parts, cd, endRecord(count, cd.length, end)]);
}

/** The same local entry listed `count` times in the central directory (full overlap). */
export function repeatedEntryZip(count: number, entry: ZipEntrySpec): Buffer {
  const p = prepare(entry);
  const local = localHeader(p);
  const central: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    central.push(centralHeader({ ...p, name: Buffer.from(`copy-${i}`) }, 0));
  }
  const cd = Buffer.concat(central);
  const offset = local.length + p.stored.length;
  return Buffer.concat([local, p.stored, cd, endRecord(count, cd.length, offset)]);
}

export interface TarEntrySpec {
  /** Raw bytes are written as they are; a long name goes into a pax header. */
  readonly name: string | Buffer;
  readonly data?: Buffer;
  /** ustar type flag: '0' file (default), '1' hard link, '2' symlink, '5' directory. */
  readonly type?: string;
  readonly linkname?: string;
  /** Declared size, when it should differ from the data (truncation tests). */
  readonly declaredSize?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One 512-byte ustar header with a valid checksum. */
export function tarHeader(name: Buffer, size: number, type = '0', linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  name.copy(h, 0, 0, Math.min(100, name.length));
  h.write(octal(0o644, 8), 100, 'latin1');
  h.write(octal(0, 8), 108, 'latin1');
  h.write(octal(0, 8), 116, 'latin1');
  h.write(octal(size, 12), 124, 'latin1');
  h.write(octal(0, 12), 136, 'latin1');
  h.write(type, 156, 'latin1');
  h.write(linkname, 157, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

function paxHeader(name: Buffer): Buffer[] {
  const body = (len: number): Buffer =>
    Buffer.concat([Buffer.from(`${len} path=`), name, Buffer.from('\n')]);
  let length = body(0).length;
  while (body(length).length !== length) length = body(length).length;
  const record = body(length);
  return [tarHeader(Buffer.from('PaxHeader'), record.length, 'x'), record, padding(record.length)];
}

/**
 * A tar entry of any type flag with `data` as its content, padded: metadata entries tar-stream
 * reads as headers and never hands out (`x` pax extended, `g` pax global, `L`/`N` GNU names).
 */
export function tarRecord(type: string, data: Buffer, name = 'meta'): Buffer {
  return Buffer.concat([
    tarHeader(Buffer.from(name), data.length, type),
    data,
    padding(data.length),
  ]);
}

/** A pax record (`<length> <key>=<value>\n`), its length counting itself. */
export function paxRecord(key: string, value: string): Buffer {
  const body = (len: number): string => `${len} ${key}=${value}\n`;
  let length = Buffer.byteLength(body(0));
  while (Buffer.byteLength(body(length)) !== length) length = Buffer.byteLength(body(length));
  return Buffer.from(body(length));
}

/** A tar with these entries and the two zero blocks that end it. */
export function tarBuffer(entries: readonly TarEntrySpec[], { end = true } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const data = entry.data ?? Buffer.alloc(0);
    if (name.length > 100) parts.push(...paxHeader(name));
    parts.push(
      tarHeader(name, entry.declaredSize ?? data.length, entry.type ?? '0', entry.linkname ?? ''),
    );
    parts.push(data, padding(data.length));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A gzip member, optionally naming its content in the header (FNAME), with a valid trailer. */
export function gzipBuffer(data: Buffer, options: { name?: string | Buffer } = {}): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const parts: Buffer[] = [header];
  if (options.name !== undefined) {
    header[3] = 0x08;
    parts.push(Buffer.from(options.name), Buffer.from([0]));
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  parts.push(deflateRawSync(data), trailer);
  return Buffer.concat(parts);
}

/**
 * A gzip member whose first bytes hold no NUL (git then diffs it as text): an FTEXT header with a
 * non-zero time, `text` in a stored block, then `data` deflated.
 */
export function gzipWithoutNul(text: Buffer, data: Buffer): Buffer {
  if (text.length > 0xfffe || text.length === 0) throw new RangeError('text must be 1-65534 bytes');
  const header = Buffer.from([0x1f, 0x8b, 8, 1, 0x41, 0x41, 0x41, 0x41, 2, 3]);
  // A stored, not-final block; the five padding bits after its three header bits are ignored.
  const stored = Buffer.alloc(5);
  stored[0] = 0xf8;
  stored.writeUInt16LE(text.length, 1);
  stored.writeUInt16LE(~text.length & 0xffff, 3);
  if (stored.includes(0)) throw new RangeError('pick a text length without a zero byte');
  const all = Buffer.concat([text, data]);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(all), 0);
  trailer.writeUInt32LE(all.length >>> 0, 4);
  return Buffer.concat([header, stored, text, deflateRawSync(data), trailer]);
}

/** A gzip member around a ready-made deflate stream (a bomb kernel); its trailer is not checked before the end. */
export function gzipAround(deflated: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
    deflated,
    Buffer.alloc(8),
  ]);
}

/** A buffer as stream pieces of `size` bytes. */
export async function* piecesOf(data: Buffer, size = 4096): AsyncGenerator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/**
 * Compressed once, repeated many times: `block` deflated with a full flush (byte-aligned, no
 * reference back into the previous copy) is a self-contained piece of a raw deflate stream, so a
 * stream of `count` copies costs one compression. Ends with a final empty block when `last`.
 */
export function flushedBlock(block: Buffer): Buffer {
  return deflateRawSync(block, { finishFlush: constants.Z_FULL_FLUSH });
}

const FINAL_EMPTY_BLOCK = deflateRawSync(Buffer.alloc(0));

/**
 * Writes a zip with one deflated entry, `block` repeated `count` times, to `path` without holding
 * it: an archive far larger than anything the test keeps in memory, built in a moment.
 */
export async function writeLargeZip(
  path: string,
  name: string,
  block: Buffer,
  count: number,
): Promise<void> {
  const compressed = flushedBlock(block);
  let crc = 0;
  for (let i = 0; i < count; i++) crc = crc32(block, crc);
  const storedLength = compressed.length * count + FINAL_EMPTY_BLOCK.length;
  const p: Prepared = {
    name: Buffer.from(name),
    flags: 0,
    method: 8,
    crc,
    stored: Buffer.alloc(0),
    size: block.length * count,
    unixMode: undefined,
  };
  const file = await open(path, 'w');
  try {
    const header = localHeader(p, storedLength);
    await file.write(header);
    for (let i = 0; i < count; i++) await file.write(compressed);
    await file.write(FINAL_EMPTY_BLOCK);
    const cd = centralHeader(p, 0, storedLength);
    await file.write(Buffer.concat([cd, endRecord(1, cd.length, header.length + storedLength)]));
  } finally {
    await file.close();
  }
}

/** A tar.gz of one entry, `block` repeated `count` times, as stream pieces generated on demand. */
export async function* largeTgz(
  name: string,
  block: Buffer,
  count: number,
): AsyncGenerator<Buffer> {
  const size = block.length * count;
  const head = tarHeader(Buffer.from(name), size);
  const tail = Buffer.concat([padding(size), Buffer.alloc(1024)]);
  yield Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  yield flushedBlock(head);
  const compressed = flushedBlock(block);
  for (let i = 0; i < count; i++) yield compressed;
  yield deflateRawSync(tail);
  let crc = crc32(head);
  for (let i = 0; i < count; i++) crc = crc32(block, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(tail, crc), 0);
  trailer.writeUInt32LE((head.length + size + tail.length) % 2 ** 32, 4);
  yield trailer;
}
