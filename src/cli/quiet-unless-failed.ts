import type { CommandIo, Output } from './command-io.js';

/**
 * Runs a hook command with its output held back, and shows it only when the command does not
 * exit 0. A clean commit or push through a hook prints nothing at all (what git-secrets and husky
 * users expect); a blocked one, or one that fails, shows everything in the order it was written.
 */
export async function quietUnlessFailed(
  io: CommandIo,
  run: (io: CommandIo) => Promise<number>,
): Promise<number> {
  const held: { to: Output; text: string }[] = [];
  const hold = (to: Output): Output => ({
    isTTY: to.isTTY,
    write: (text) => void held.push({ to, text }),
  });
  const flush = () => {
    for (const { to, text } of held.splice(0)) to.write(text);
  };
  let code: number;
  try {
    code = await run({ ...io, stdout: hold(io.stdout), stderr: hold(io.stderr) });
  } catch (error) {
    flush();
    throw error;
  }
  if (code === 0) held.length = 0;
  else flush();
  return code;
}
