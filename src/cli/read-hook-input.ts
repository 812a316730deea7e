import { KeyguardError } from '../model/errors.js';
import type { CommandIo } from './command-io.js';

/**
 * A hook's standard input as text, at most `max` bytes: more is refused (exit 2, the push stays
 * stopped) rather than held in memory or half-read. Bytes that are not UTF-8 become U+FFFD, which
 * no line format accepts.
 */
export async function readHookInput(io: CommandIo, max: number, hook: string): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    size += chunk.length;
    if (size > max) {
      throw new KeyguardError(
        'USAGE',
        `${hook}: standard input is over ${Math.round(max / 1048576)} MiB: not what git sends a hook; push refs in smaller groups`,
      );
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}
