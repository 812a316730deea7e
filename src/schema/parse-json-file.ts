import { readFile } from 'node:fs/promises';
import { type ErrorCode, KeyguardError } from '../model/errors.js';

function positionToLineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Reads and parses a JSON file; every failure is one line naming the file. */
export async function parseJsonFile(file: string, code: ErrorCode): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new KeyguardError(code, `${file}: ${reason}`, { cause: error });
  }
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const where = at?.[1] === undefined ? '' : ` at ${positionToLineColumn(text, Number(at[1]))}`;
    // V8 quotes the whole input after the first comma; keep only the reason, never file content.
    const reason = (message.split(/, "|\n| in JSON/)[0] ?? message).slice(0, 80);
    throw new KeyguardError(code, `${file}: invalid JSON${where} (${reason})`, { cause: error });
  }
}
