import { escapeControl } from './escape-control.js';
import { wellFormed } from './well-formed.js';

/**
 * Text for an XML 1.0 attribute or element from what may come from a scanned file: control
 * characters shown as escapes (`\x1b`; XML 1.0 forbids most of them outright, and the rest would
 * reach a terminal or log viewer as they are), lone surrogates and U+FFFE/U+FFFF (not XML
 * characters either) replaced by U+FFFD, and the five markup characters as entities.
 */
export function xmlText(text: string): string {
  return wellFormed(escapeControl(text))
    .replace(/[\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
