import type { ScanSink, Source } from '../model/source.js';
import { ContentReader, type ReaderOptions } from './content-reader.js';

/** Standard input, read as it arrives (never held whole), labelled `path` (default `<stdin>`). */
export function createStdinSource(
  input: AsyncIterable<Buffer> | Buffer,
  read: Omit<ReaderOptions, 'source'>,
  path = '<stdin>',
): Source {
  return {
    async read(sink: ScanSink): Promise<void> {
      const reader = new ContentReader({ ...read, source: 'stdin' });
      if (Buffer.isBuffer(input)) await reader.readBytes(input, { path }, sink);
      else await reader.readPieces(input, { path }, sink);
    },
  };
}
