/** A zip's end record is 22 bytes and its comment at most 65,535: enough of a file's end to find it. */
export const ZIP_TAIL_BYTES = 22 + 0xffff;

/**
 * Whether content ending with `tail` (its last `ZIP_TAIL_BYTES` bytes, or all of it) ends as a zip
 * does: an end-of-central-directory record whose comment runs exactly to the end. That is how
 * zip readers find a zip, so a zip behind a launch script or a stub is still a zip to them.
 */
export function endsAsZip(tail: Buffer): boolean {
  for (let at = tail.length - 22; at >= 0 && tail.length - at <= ZIP_TAIL_BYTES; at--) {
    if (
      tail[at] !== 0x50 ||
      tail[at + 1] !== 0x4b ||
      tail[at + 2] !== 0x05 ||
      tail[at + 3] !== 0x06
    )
      continue;
    if (at + 22 + tail.readUInt16LE(at + 20) === tail.length) return true;
  }
  return false;
}
