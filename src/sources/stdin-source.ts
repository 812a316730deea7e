import type { Source, SourceItem } from '../model/source.js';
import { bufferItem } from './read-file-item.js';

/** Standard input as one chunk, labelled with `path` (default `<stdin>`). */
export function createStdinSource(input: Buffer, path = '<stdin>'): Source {
  return {
    async *items(): AsyncIterable<SourceItem> {
      yield bufferItem(input, path, { source: 'stdin', maxFileSize: Number.POSITIVE_INFINITY });
    },
  };
}
