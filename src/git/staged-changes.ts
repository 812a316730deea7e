import type { LineRange } from '../model/chunk.js';
import { KeyguardError } from '../model/errors.js';
import { pathText } from '../model/path-text.js';
import { runGitChecked } from './run-git.js';

/** One path the next commit changes, as `git diff --cached --raw` describes it. */
export interface StagedChange {
  /** Repository-relative path in the index (the new name for renames and copies), for display. */
  readonly path: string;
  /** The path's exact bytes (names need not be UTF-8). */
  readonly pathBuffer: Buffer;
  /** base64 of those bytes, when they are not valid UTF-8. */
  readonly pathBytes?: string;
  /** The old name, for renames and copies. */
  readonly from?: string;
  /** A, M, T, R, C, D, U… (the letter only; the similarity score is dropped). */
  readonly status: string;
  readonly oldMode: string;
  readonly newMode: string;
  /** The staged blob (all zeros for deletions). */
  readonly blob: string;
  /** New-file lines the commit adds or changes, from the `-U0` hunk headers. */
  readonly added: readonly LineRange[];
  /** git showed no line diff (binary content, or a `-diff`/`binary` attribute): lines are unknown. */
  readonly binaryDiff: boolean;
}

export const GITLINK_MODE = '160000';
export const SYMLINK_MODE = '120000';
const ZERO_ID = /^0+$/;

/**
 * Flags for a diff of the index against HEAD that no user configuration can reshape: no external
 * diff or textconv, no colour, whole-repository paths even with diff.relative, full object ids.
 * With no HEAD yet (the first commit) git diffs against the empty tree by itself.
 */
const DIFF_FLAGS = [
  'diff',
  '--cached',
  '--raw',
  '-p',
  '-U0',
  '-z',
  '-M',
  '--no-abbrev',
  '--no-ext-diff',
  '--no-textconv',
  '--no-color',
  '--no-relative',
  '--ignore-submodules=none',
  '--submodule=short',
];

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

type RawChange = Omit<StagedChange, 'added' | 'binaryDiff'>;

const EMPTY = Buffer.alloc(0);

function parseRaw(tokens: readonly Buffer[]): RawChange[] {
  const changes: RawChange[] = [];
  let i = 0;
  while (i < tokens.length) {
    const meta = (tokens[i++] ?? EMPTY).toString('latin1');
    if (!meta.startsWith(':'))
      throw new KeyguardError('GIT_FAILED', 'unexpected git diff --raw output');
    const [oldMode = '', newMode = '', , blob = '', statusField = ''] = meta.slice(1).split(' ');
    const status = statusField.charAt(0);
    const from = status === 'R' || status === 'C' ? pathText(tokens[i++] ?? EMPTY).path : undefined;
    const pathBuffer = tokens[i++] ?? EMPTY;
    changes.push({
      ...pathText(pathBuffer),
      pathBuffer,
      ...(from === undefined ? {} : { from }),
      status,
      oldMode,
      newMode,
      blob,
    });
  }
  return changes;
}

interface Section {
  readonly added: LineRange[];
  binary: boolean;
}

/** Added line ranges per patch section, in the order git printed the sections. */
function parseHunks(patch: string): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let start = 0;
  while (start < patch.length) {
    let end = patch.indexOf('\n', start);
    if (end === -1) end = patch.length;
    const c = patch.charCodeAt(start);
    // Only headers start with 'd', '@' or '*': content lines start with '+', '-', ' ' or '\'.
    if (c === 0x64 && patch.startsWith('diff --', start)) {
      current = { added: [], binary: false };
      sections.push(current);
    } else if (c === 0x2a && patch.startsWith('* Unmerged path ', start)) {
      current = { added: [], binary: false };
      sections.push(current);
    } else if (c === 0x42 && current !== undefined && patch.startsWith('Binary files ', start)) {
      current.binary = true;
    } else if (c === 0x40 && current !== undefined) {
      const m = HUNK.exec(patch.slice(start, Math.min(end, start + 200)));
      if (m !== null) {
        const first = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        if (count > 0) current.added.push({ start: first, end: first + count - 1 });
      }
    }
    start = end + 1;
  }
  return sections;
}

/** Splits `--raw -z -p` output into its raw part and its patch part. */
function splitOutput(out: Buffer): { raw: Buffer[]; patch: string } {
  // The raw records end with an empty field (two NULs) before the first patch.
  const tokens: Buffer[] = [];
  let pos = 0;
  while (pos < out.length) {
    const nul = out.indexOf(0, pos);
    if (nul === -1) break;
    if (nul === pos) {
      pos++;
      break;
    }
    tokens.push(out.subarray(pos, nul));
    pos = nul + 1;
  }
  return { raw: tokens, patch: out.toString('utf8', pos) };
}

/**
 * What the next commit changes: one `git diff --cached` against HEAD (or the empty tree), read with
 * the hook's environment so GIT_INDEX_FILE (`commit -a`, `commit <paths>`) and GIT_DIR apply.
 */
export async function readStagedChanges(cwd: string): Promise<StagedChange[]> {
  const out = await runGitChecked(DIFF_FLAGS, cwd);
  return parseStagedDiff(out);
}

/** Parses the output of the diff above (exported for tests). */
export function parseStagedDiff(out: Buffer): StagedChange[] {
  const { raw, patch } = splitOutput(out);
  const changes = parseRaw(raw);
  const hunks = parseHunks(patch);
  if (hunks.length !== changes.length) {
    throw new KeyguardError(
      'GIT_FAILED',
      `git diff --cached listed ${changes.length} paths but ${hunks.length} patches; refusing to guess which lines are new`,
    );
  }
  return changes.map((c, i) => ({
    ...c,
    added: hunks[i]?.added ?? [],
    binaryDiff: hunks[i]?.binary ?? false,
  }));
}

/** True when the object id is git's null id (a deletion's new side). */
export function isNullId(id: string): boolean {
  return ZERO_ID.test(id);
}
