import { KeyguardError } from '../model/errors.js';
import { shownName } from '../model/shown-name.js';

/** One ref a push changes: its value before (`old`) and after (`new`); all zeros for none. */
export interface RefUpdate {
  /** The ref being changed, as the receiving side names it (`refs/heads/main`). */
  readonly ref: string;
  readonly old: string;
  readonly new: string;
  /** pre-push: the local ref pushed from (`refs/heads/topic`, or `(delete)`). */
  readonly localRef?: string;
}

/** A full object id: SHA-1 (40) or SHA-256 (64) hex. */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO = /^0+$/;

export function isZeroId(id: string): boolean {
  return ZERO.test(id);
}

/** Longest hook input accepted: ~400,000 ref updates. More is refused, never half-read. */
export const MAX_HOOK_INPUT = 64 * 1024 * 1024;

/** A ref name as git could have written it: no space, no control character, not empty. */
function plausibleRef(ref: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return ref !== '' && !/[\s\x00-\x1f\x7f]/.test(ref);
}

function shown(line: string): string {
  // Masked before it is cut: a cut key ID is no longer one the mask would know.
  const masked = shownName(line);
  const cut = masked.length > 80 ? `${masked.slice(0, 80)}…` : masked;
  return JSON.stringify(cut);
}

function lines(input: string): string[] {
  const all = input.split('\n');
  // git ends every line with LF; a missing last LF is tolerated, empty input is no updates.
  if (all.at(-1) === '') all.pop();
  return all;
}

/**
 * Parses a pre-push hook's standard input: `<local ref> SP <local sha> SP <remote ref> SP
 * <remote sha> LF` per ref. Each update is seen from the remote: `old` is the remote's value, `new`
 * what is pushed. Anything else is refused with the line that broke it (exit 2: the push is
 * blocked, never waved through on input nobody can read).
 */
export function parsePrePushInput(input: string): RefUpdate[] {
  return lines(input).map((line, i) => {
    const f = line.split(' ');
    const [localRef = '', localSha = '', remoteRef = '', remoteSha = ''] = f;
    if (
      f.length !== 4 ||
      !plausibleRef(localRef) ||
      !plausibleRef(remoteRef) ||
      !OBJECT_ID.test(localSha) ||
      !OBJECT_ID.test(remoteSha)
    ) {
      throw new KeyguardError(
        'USAGE',
        `pre-push: line ${i + 1} of standard input is not '<local ref> <local sha> <remote ref> <remote sha>': ${shown(line)}; run 'keyguard pre-push' only from git's pre-push hook`,
      );
    }
    return { ref: remoteRef, old: remoteSha, new: localSha, localRef };
  });
}

/**
 * Parses a pre-receive hook's standard input: `<old> SP <new> SP <ref name> LF` per ref. Anything
 * else is refused with the line that broke it (exit 2: the push is rejected).
 */
export function parseReceiveInput(input: string): RefUpdate[] {
  return lines(input).map((line, i) => {
    const f = line.split(' ');
    const [old = '', next = '', ref = ''] = f;
    if (f.length !== 3 || !OBJECT_ID.test(old) || !OBJECT_ID.test(next) || !plausibleRef(ref)) {
      throw new KeyguardError(
        'USAGE',
        `pre-receive: line ${i + 1} of standard input is not '<old sha> <new sha> <ref>': ${shown(line)}; run 'keyguard pre-receive' only from git's pre-receive hook`,
      );
    }
    return { ref, old, new: next };
  });
}
