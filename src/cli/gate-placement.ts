/**
 * Where keyguard's gate goes in a hook script: FIRST, before the project's own commands. A line
 * after `npm test` would wait for the tests (and never run when they fail), a line after an
 * `exit` or `exec` never runs at all, and a pre-push line after one that read git's standard
 * input would see an empty push. Placing it is idempotent: older keyguard lines and blocks are
 * taken out and the current one is put first, so a second install changes nothing.
 */
export interface GateSpec {
  /** The text put first (a line, or a marked block), ending with a newline. */
  readonly gate: string;
  /** The first line of every version of keyguard's marked block, up to its version-free part. */
  readonly blockStartPrefix: string;
  /** The block's last line. */
  readonly blockEnd: string;
  /** A line (not a comment) that runs this gate in some other form: an older install's line. */
  readonly runs: RegExp;
  /** An existing gate line kept as it is (moved first) instead of replaced: a user's own flags. */
  readonly keep?: (line: string) => boolean;
}

export interface Placed {
  readonly text: string;
  /** Lines taken out because they ran the gate in another form (said to the user). */
  readonly replaced: readonly string[];
}

/** Lines a hook must keep above everything: the `#!` line, husky 4/8's `. …/husky.sh`. */
const HEADER =
  /^(#!.*|\s*\.\s+["']?\$\(dirname\s+(--\s+)?["']?\$0["']?\)["']?\/_\/husky\.sh["']?\s*)$/;

function withoutBlocks(lines: string[], spec: GateSpec): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    if (!inBlock && line.startsWith(spec.blockStartPrefix)) {
      inBlock = true;
      continue;
    }
    if (inBlock) {
      if (line === spec.blockEnd) inBlock = false;
      continue;
    }
    out.push(line);
  }
  return out;
}

/** The hook text with the gate first; `shebang` starts a hook that did not exist. */
export function placeGateFirst(
  existing: string | undefined,
  spec: GateSpec,
  shebang: string | undefined,
): Placed {
  if (existing === undefined || existing.trim() === '') {
    return { text: `${shebang === undefined ? '' : `${shebang}\n`}${spec.gate}`, replaced: [] };
  }
  const endsNl = existing.endsWith('\n');
  const lines = withoutBlocks((endsNl ? existing.slice(0, -1) : existing).split('\n'), spec);
  const replaced: string[] = [];
  let kept: string | undefined;
  const rest = lines.filter((line) => {
    if (/^\s*#/.test(line) || !spec.runs.test(line)) return true;
    if (kept === undefined && spec.keep?.(line.trim()) === true) kept = `${line.trim()}\n`;
    else replaced.push(line.trim());
    return false;
  });
  let at = 0;
  while (at < rest.length && HEADER.test(rest[at] ?? '')) at++;
  const gate = (kept ?? spec.gate).replace(/\n$/, '').split('\n');
  rest.splice(at, 0, ...gate);
  return { text: `${rest.join('\n')}\n`, replaced };
}
