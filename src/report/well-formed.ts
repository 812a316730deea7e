/** A surrogate without its other half: what a broken UTF-16 pair in a scanned file decodes to. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, which the
 * ES2023 library does not declare): encodeURIComponent throws on one, and XML forbids it.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
