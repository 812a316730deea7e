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
  // Searched natively from the end (a byte-by-byte loop here cost more than reading the file).
  const floor = Math.max(0, tail.length - ZIP_TAIL_BYTES);
  let at = tail.length - 22;
  while (at >= floor) {
    at = tail.lastIndexOf(END_RECORD, at);
    if (at < floor) return false;
    if (at + 22 + tail.readUInt16LE(at + 20) === tail.length) return true;
    at--;
  }
  return false;
}
