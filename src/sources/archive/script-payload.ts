import { sniffArchive } from './sniff-archive.js';
import { sniffUnopened } from './sniff-unopened.js';

/** What a script carries after its text, and where that starts. */
export interface ScriptPayload {
  /** Offset of the payload from the start of the content. */
  readonly at: number;
  /** `gzip` (opened), or the name of a compressed format keyguard does not open. */
  readonly format: string;
  readonly opens: boolean;
}

/**
 * The first byte of each format a self-extracting script is built with (makeself's gzip, bzip2,
 * xz, zstd, lz4; 7z and rar by hand), each right after a line feed: the script's last line ends,
 * and the payload's bytes run from there to the end of the file.
 */
const AFTER_LINE = [0x1f, 0x42, 0xfd, 0x28, 0x37, 0x52, 0x04].map((b) => Buffer.from([0x0a, b]));

/**
 * A compressed payload appended to a script: content that starts with `#!` and holds, right after
 * one of its line feeds, a gzip member (opened from there) or a format keyguard does not open
 * (listed, so the scan fails closed). That is how makeself installers and hand-made `.run` or
 * `.bin` self-extractors are built: an archive that starts in the middle of a file, which a look
 * at the file's first bytes never sees. Zips are found by their end (`endsAsZip`) instead. Only
 * buf[start, end) is searched: the whole content, or the first window of a large file.
 */
export function scriptPayload(buf: Buffer, start: number, end: number): ScriptPayload | undefined {
  if (end - start < 4 || buf[start] !== 0x23 || buf[start + 1] !== 0x21) return undefined;
  const region = buf.subarray(start, end);
  let first: ScriptPayload | undefined;
  for (const needle of AFTER_LINE) {
    // Each search stops at the first payload of its kind: whichever starts first wins.
    let at = region.indexOf(needle);
    while (at !== -1 && (first === undefined || at + 1 < first.at)) {
      const head = region.subarray(at + 1, Math.min(region.length, at + 1 + 16));
      const opened = sniffArchive(head) === 'gzip' ? 'gzip' : undefined;
      const format = opened ?? sniffUnopened(head);
      if (format !== undefined) {
        first = { at: at + 1, format, opens: opened !== undefined };
        break;
      }
      at = region.indexOf(needle, at + 1);
    }
  }
  return first;
}
