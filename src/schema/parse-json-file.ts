import { type ErrorCode, KeyguardError } from '../model/errors.js';
import { findJsonSyntaxError } from './find-json-syntax-error.js';
import { readRegularFile } from './read-regular-file.js';

function positionToLineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/**
 * A file another file names: the place that names it (`.keyguard.json#/rules/0`) and what it is
 * (`rule pack`). Read failures then name that place instead of the path, a config value.
 */
export interface NamedFile {
  readonly at: string;
  readonly what: string;
}

/** Reads and parses a JSON file; every failure is one line naming the file (or where it is named). */
export async function parseJsonFile(
  file: string,
  code: ErrorCode,
  named?: NamedFile,
): Promise<unknown> {
  const fail = (reason: string, cause?: unknown): never => {
    throw new KeyguardError(
      code,
      named === undefined ? `${file}: ${reason}` : `${named.at}: ${named.what} ${reason}`,
      cause === undefined ? {} : { cause },
    );
  };
  let text: string | undefined;
  try {
    // Synchronous: a config is small, and fs/promises would load more of Node on every start.
    text = readRegularFile(file);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    const missing = errno === 'ENOENT' || errno === 'ENOTDIR';
    fail(missing ? 'file not found' : `${named === undefined ? '' : 'file '}cannot be read`, error);
  }
  if (text === undefined)
    return fail(
      `${named === undefined ? '' : 'file is '}not a regular file (a FIFO, socket or device): not read`,
    );
  return parseJsonText(text, file, code);
}

/**
 * Parses JSON read elsewhere (a file in a commit); `file` names it in the one-line error. A
 * leading byte-order mark is allowed.
 */
export function parseJsonText(text: string, file: string, code: ErrorCode): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    // V8's message quotes the text around the error, which may be a secret: say where and why in
    // our own words instead.
    const found = findJsonSyntaxError(body);
    const where =
      found === undefined ? '' : ` at ${positionToLineColumn(body, found.index)} (${found.reason})`;
    // No `cause`: it holds V8's message, and with it the quoted text.
    throw new KeyguardError(code, `${file}: invalid JSON${where}`);
  }
}
