import { lstatSync, readFileSync } from 'node:fs';
import type { SourceKind } from '../model/chunk.js';
import type { SourceItem } from '../model/source.js';
import { decodeText, isUtf16, looksBinary } from './decode-text.js';

export interface ReadOptions {
  readonly source: SourceKind;
  readonly maxFileSize: number;
  /** Byte-level prefilter: false means no rule can fire, so the file is counted but not decoded. */
  readonly mayMatch?: (buf: Buffer) => boolean;
}

/** Reads one file into a chunk, or says why it was skipped. Symlinks are never followed. */
export function readFileItem(
  absPath: string,
  path: string,
  options: ReadOptions,
): SourceItem | undefined {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Tracked but deleted in the working tree: nothing to scan there.
    if (code === 'ENOENT') return { skipped: { path, reason: 'missing' } };
    return { skipped: { path, reason: 'unreadable', detail: code ?? 'lstat failed' } };
  }
  if (stat.isSymbolicLink()) return { skipped: { path, reason: 'symlink' } };
  if (stat.isDirectory()) return { skipped: { path, reason: 'submodule' } };
  if (!stat.isFile()) return undefined;
  if (stat.size > options.maxFileSize) {
    return { skipped: { path, reason: 'too-large', detail: `${stat.size} bytes` } };
  }
  let buf: Buffer;
  try {
    buf = readFileSync(absPath);
  } catch (error) {
    return {
      skipped: {
        path,
        reason: 'unreadable',
        detail: (error as NodeJS.ErrnoException).code ?? 'read failed',
      },
    };
  }
  return bufferItem(buf, path, options);
}

/** Bytes already in memory (a git blob, standard input) → a chunk or a skip record. */
export function bufferItem(buf: Buffer, path: string, options: ReadOptions): SourceItem {
  if (options.mayMatch !== undefined && !isUtf16(buf) && !options.mayMatch(buf)) {
    // Still binary-checked so the skip counts stay truthful.
    if (looksBinary(buf)) return { skipped: { path, reason: 'binary' } };
    return { chunk: { source: options.source, path, text: '', size: buf.length } };
  }
  const decoded = decodeText(buf);
  if ('binary' in decoded) return { skipped: { path, reason: 'binary' } };
  return { chunk: { source: options.source, path, text: decoded.text, size: buf.length } };
}
