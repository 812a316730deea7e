/** A zip's end record is 22 bytes and its comment at most 65,535: enough of a file's end to find it. */
export const ZIP_TAIL_BYTES = 22 + 0xffff;

/** The end-of-central-directory record's signature. */
const END_RECORD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * Whether content ending with `tail` (its last `ZIP_TAIL_BYTES` bytes, or all of it) ends as a zip
 * does: an end-of-central-directory record whose comment runs exactly to the end. That is how
 * zip readers find a zip, so a zip behind a launch script or a stub is still a zip to them.
 */
export function endsAsZip(tail: Buffer): boolean {
  return zipSpan(tail, 0, tail.length)?.end === tail.length;
}

const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** Where a zip lies in some content: from its first local header to the end of its end record. */
export interface ZipSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Where a zip lies in buf[start, end). It ends at `end` when its end record runs exactly to the end
 * (see endsAsZip), else where the last real-looking end record ends when other bytes follow it (a
 * zip with something appended, which unzip and Python's zipfile still open). It starts where its
 * central directory says, counted back from the record: after a script or stub that was put in
 * front of it without its offsets being shifted (`cat stub.sh app.zip`), or at `start` when they
 * were (an executable jar). The record of a zip with bytes after it must look real, since its four
 * bytes occur in binary by chance: one disk, as many entries on it as in all, and a central
 * directory header where the record says the directory starts (zip64 sizes are left to the
 * reader). One search from the end, for both.
 */
export function zipSpan(buf: Buffer, start: number, end: number): ZipSpan | undefined {
  const floor = Math.max(start, end - ZIP_TAIL_BYTES);
  // Searched natively from the end (a byte-by-byte loop cost more than reading the file), in a view
  // of the tail: on the whole buffer the search would go on backwards through every file read
  // before this one into the same buffer.
  const tail = buf.subarray(floor, end);
  let found: ZipSpan | undefined;
  let from = tail.length - 22;
  while (from >= 0) {
    from = tail.lastIndexOf(END_RECORD, from);
    if (from < 0) break;
    const at = floor + from;
    from--;
    const recordEnd = at + 22 + buf.readUInt16LE(at + 20);
    if (recordEnd === end) return { start: zipStart(buf, start, at) ?? start, end };
    if (found === undefined && recordEnd < end && plausibleEnd(buf, start, at))
      found = { start: zipStart(buf, start, at) ?? start, end: recordEnd };
  }
  return found;
}

function plausibleEnd(buf: Buffer, start: number, at: number): boolean {
  const entries = buf.readUInt16LE(at + 10);
  if (buf.readUInt16LE(at + 4) !== 0 || buf.readUInt16LE(at + 6) !== 0) return false;
  if (buf.readUInt16LE(at + 8) !== entries) return false;
  const size = buf.readUInt32LE(at + 12);
  if (entries === 0) return size === 0;
  if (entries === 0xffff || size === 0xffffffff) return true;
  const directory = at - size;
  return directory >= start && buf.readUInt32LE(directory) === CENTRAL_HEADER;
}

/**
 * Where the zip whose end record is at `at` starts, when its offsets count from a point after
 * `start` (bytes put in front of it): the directory's place less its recorded offset, where a
 * local header is. Undefined when its offsets already count from `start`, or cannot tell.
 */
function zipStart(buf: Buffer, start: number, at: number): number | undefined {
  const size = buf.readUInt32LE(at + 12);
  const offset = buf.readUInt32LE(at + 16);
  if (size === 0xffffffff || offset === 0xffffffff) return undefined;
  const shifted = at - size - offset;
  if (shifted <= start || shifted + 4 > at) return undefined;
  return buf.readUInt32LE(shifted) === LOCAL_HEADER ? shifted : undefined;
}
