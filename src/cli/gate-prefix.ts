import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHookFile } from './hook-file.js';

/**
 * `keyguard doctor` proves the gate in a throwaway repository. Running the project's whole hook
 * there cannot work: `npm test`, lint-staged or a formatter find no project, fail, and doctor
 * would blame the gate and suggest a fix that changes nothing. Since `keyguard install` puts the
 * gate FIRST, the part of the hook that runs up to and including the gate is the whole of what
 * decides whether a key gets through; doctor runs exactly that part (`sh -e`, as husky does), and
 * reports separately when anything runs before the gate.
 */
export interface GatePrefix {
  /** The hook's text up to and including the gate (a line, or keyguard's marked block). */
  readonly prefix: string;
  /** Commands that run before the gate (not the `#!` line, comments or husky's header). */
  readonly before: readonly string[];
}

const HEADER = /^(#!.*|\s*\.\s+.*\/_\/husky\.sh["']?\s*|\s*|\s*#.*|\s*set\s+-[a-z]+\s*)$/;

/** Splits a hook at its gate; undefined when no line runs it. */
export function gatePrefix(
  text: string,
  runs: RegExp,
  blockStartPrefix: string,
  blockEnd: string,
): GatePrefix | undefined {
  const lines = text.split('\n');
  const before: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    let end = -1;
    if (line.startsWith(blockStartPrefix)) {
      end = lines.indexOf(blockEnd, i);
    } else if (!/^\s*#/.test(line) && runs.test(line)) {
      end = i;
    }
    if (end !== -1) return { prefix: `${lines.slice(0, end + 1).join('\n')}\n`, before };
    if (!HEADER.test(line)) before.push(line.trim());
  }
  return undefined;
}

/**
 * Writes the hooks folder the throwaway repository uses: `<hook>` runs `body` the way the real
 * setup does. With husky 9 (its runner `.husky/_/h` present) the real runner is copied and runs
 * the body as `.husky/<hook>`; otherwise the body is the hook itself (husky's PATH and `sh -e`
 * are given to a husky body).
 */
export function writeScratchHooks(
  scratchRoot: string,
  scratchTop: string,
  hook: string,
  body: string,
  husky: { runner?: string } | undefined,
): string {
  if (husky?.runner !== undefined) {
    const dir = join(scratchTop, '.husky', '_');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'h'), husky.runner, { mode: 0o755 });
    writeFileSync(join(dir, hook), '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n', { mode: 0o755 });
    writeFileSync(join(scratchTop, '.husky', hook), body);
    return dir;
  }
  const dir = join(scratchRoot, 'hooks');
  mkdirSync(dir, { recursive: true });
  if (husky !== undefined) {
    writeFileSync(join(dir, `${hook}.body`), body);
    writeFileSync(
      join(dir, hook),
      `#!/bin/sh\nexport PATH="node_modules/.bin:$PATH"\nexec sh -e "$(dirname "$0")/${hook}.body" "$@"\n`,
      { mode: 0o755 },
    );
  } else {
    writeFileSync(join(dir, hook), body.startsWith('#!') ? body : `#!/bin/sh\n${body}`, {
      mode: 0o755,
    });
  }
  return dir;
}

/** husky 9's runner in this repository, when there is one (a regular file of this user). */
export function huskyRunner(top: string): string | undefined {
  try {
    return readHookFile(join(top, '.husky', '_', 'h'));
  } catch {
    return undefined;
  }
}
