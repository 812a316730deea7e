/**
 * Opening compressed and archive files for the scanner, safely.
 *
 * ```ts
 * const format = sniffArchive(head);          // first SNIFF_BYTES bytes; undefined: not an archive
 * if (format !== undefined) {
 *   for await (const item of expandArchive(format, { kind: 'file', path }, { name: 'logs.tgz' })) {
 *     if (item.kind === 'entry') for await (const piece of item.data) scan(`${file}!${item.path}`, piece);
 *     else skip(item.path === '' ? file : `${file}!${item.path}`, item.reason, item.detail);
 *   }
 * }
 * ```
 *
 * Formats: zip (and jar, war, whl, Office files: any zip, by magic), tar (POSIX, GNU, pax), gzip
 * (so `.tgz`), nested in any order up to `maxDepth`. zip goes through yauzl, tar through
 * tar-stream, gzip and deflate through node:zlib (docs/design.md, "Archives", says why). A PDF
 * (`%PDF-`) is a container of its pages' text (`page 1!text`), decoded streams and strings; a PNG of
 * its compressed text chunks (`zTXt:Comment`): see read-pdf.ts and read-png.ts.
 *
 * The contract:
 * - Items come one at a time. An `entry` is a leaf (not itself an archive) with bytes; consume its
 *   `data` before asking for the next item: what is left unread then is skipped over (a zip entry
 *   is closed, a tar entry read past), and the old `data` yields nothing more.
 * - Paths are names joined with '!', relative to the top-level file: `inner/app.env`,
 *   `lib/x.jar!config/prod.properties`, `logs.tar!app.log` for `logs.tgz`. They are labels, kept
 *   as the archive spells them (`../`, absolute paths, backslashes, control characters and all):
 *   escaping is the renderers' job. Nothing is ever written to disk, and nothing is followed.
 * - Every byte an entry carries is handed out, whatever its type says (a zip "symlink" stores its
 *   target as data, and that text is scanned; a tar link has none). Directories and empty entries
 *   yield nothing.
 * - A `skipped` item says what was not read: `archive-limit` (depth, entries, expanded bytes,
 *   expansion ratio, buffered zip, overlapping zip entries) or `archive-unreadable` (corrupt or
 *   truncated data, an encrypted entry, an unsupported method, zip data the central directory
 *   does not account for, an I/O error), with a one-line
 *   detail. It comes right after the part that stopped, so an entry cut short is followed by a
 *   skip with the same path. Path '' is the top-level file itself (e.g. not a zip after all).
 * - A container nested in another has raw bytes of its own that no entry holds (a pax header, a
 *   zip comment, data after a tar's end): with `containerBytes`, they are pushed to the consumer,
 *   by the container's path, as they are read (see expand-archive.ts).
 * - Entry and total limits stop the whole top-level file; the ratio stops one member; depth and
 *   buffering skip one nested archive.
 * - Memory is bounded whatever the sizes: entries are streamed; only a zip that arrives as a stream
 *   (nested in another archive, or given as `stream`) is held, within `maxBufferedBytes`.
 * - Bad data never throws, and no library emits an unhandled 'error'. An exception out of the
 *   generator or out of `data` is a bug. Leaving the loop early (break, return, throw) closes
 *   every file and stream.
 */
export type { ArchiveInput } from './archive-input.js';
export type { ArchiveEntry, ArchiveItem, ArchiveSkip, ArchiveSkipReason } from './archive-item.js';
export { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './archive-limits.js';
export { type ExpandOptions, expandArchive } from './expand-archive.js';
export { type ArchiveFormat, SNIFF_BYTES, sniffArchive } from './sniff-archive.js';
