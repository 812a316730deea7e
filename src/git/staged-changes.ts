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

/** Only this much of a patch line is kept: enough for any header the parser reads. */
const HEAD_BYTES = 200;
const NUL = 0;
const LF = 0x0a;
/** First bytes of the only lines the parser reads: `diff --`, `@@`, `* Unmerged path`, `Binary files`. */
const HEADER_START = new Set([0x64, 0x40, 0x2a, 0x42]);

/**
 * Reads `--raw -z -p` output as it arrives, keeping only what it needs: the raw records, and of
 * the patch the section and hunk headers. Content lines are passed over unkept, so memory does not
 * grow with the size of the change (a 300 MB staged file is 300 MB of `+` lines).
 */
class StagedDiffParser {
  private readonly tokens: Buffer[] = [];
  /** The raw part ends with an empty field (two NULs) before the first patch. */
  private inPatch = false;
  /** The unfinished NUL-terminated token (raw part) or the kept head of the current line (patch). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** In the patch, inside a line that cannot be a header, until its end. */
  private skipping = false;
  readonly sections: Section[] = [];
  private current: Section | undefined;

  push(piece: Buffer): void {
    let pos = 0;
    while (pos < piece.length && !this.inPatch) {
      const nul = piece.indexOf(NUL, pos);
      if (nul === -1) {
        this.keep(piece.subarray(pos));
        return;
      }
      const token = this.take(piece.subarray(pos, nul));
      pos = nul + 1;
      if (token.length === 0) this.inPatch = true;
      else this.tokens.push(token);
    }
    while (pos < piece.length) {
      const nl = piece.indexOf(LF, pos);
      // A content line (`+`, `-`, ` `, `\`) or any other line no header starts like is passed
      // over where it lies: most of a patch is content, and copying its heads cost more than the
      // rest of the parse.
      if (this.skipping || (this.partialBytes === 0 && !HEADER_START.has(piece[pos] as number))) {
        this.skipping = nl === -1;
        if (nl === -1) return;
        pos = nl + 1;
        continue;
      }
      if (nl === -1) {
        this.keepHead(piece.subarray(pos));
        return;
      }
      if (this.partialBytes === 0)
        this.line(piece.toString('utf8', pos, Math.min(nl, pos + HEAD_BYTES)));
      else {
        this.keepHead(piece.subarray(pos, nl));
        this.line(this.take(Buffer.alloc(0)).toString('utf8'));
      }
      pos = nl + 1;
    }
  }

  finish(): { raw: Buffer[]; sections: Section[] } {
    if (!this.inPatch && this.partialBytes > 0) this.tokens.push(this.take(Buffer.alloc(0)));
    else if (this.inPatch && this.partialBytes > 0 && !this.skipping)
      this.line(this.take(Buffer.alloc(0)).toString('utf8'));
    return { raw: this.tokens, sections: this.sections };
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.partial.push(Buffer.from(bytes));
    this.partialBytes += bytes.length;
  }

  /** Keeps a patch line's first HEAD_BYTES only. */
  private keepHead(bytes: Buffer): void {
    const room = HEAD_BYTES - this.partialBytes;
    if (room > 0) this.keep(bytes.subarray(0, room));
  }

  /** What was kept, then `last`, as one buffer; the kept part is cleared. */
  private take(last: Buffer): Buffer {
    if (this.partialBytes === 0) return last;
    const out = Buffer.concat([...this.partial, last]);
    this.partial = [];
    this.partialBytes = 0;
    return out;
  }

  /** One patch line (its head). Only headers start with 'd', '@', '*' or 'B' at a section's top. */
  private line(text: string): void {
    const c = text.charCodeAt(0);
    if (c === 0x64 && text.startsWith('diff --')) {
      this.current = { added: [], binary: false };
      this.sections.push(this.current);
    } else if (c === 0x2a && text.startsWith('* Unmerged path ')) {
      this.current = { added: [], binary: false };
      this.sections.push(this.current);
    } else if (c === 0x42 && this.current !== undefined && text.startsWith('Binary files ')) {
      this.current.binary = true;
    } else if (c === 0x40 && this.current !== undefined) {
      const m = HUNK.exec(text);
      if (m !== null) {
        const first = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        if (count > 0) this.current.added.push({ start: first, end: first + count - 1 });
      }
    }
  }
}

/**
 * A staged file larger than this gets no line diff: git treats it as binary
 * (`core.bigFileThreshold`), and every line of it counts as new, as for any file git diffs as
 * binary. A line diff holds both versions whole and more (300 MB took git ~500 MB), so memory
 * would grow with the file; the blob itself is read in pieces like any large one.
 */
export const LINE_DIFF_MAX_BYTES = 8 * 1024 * 1024;

/**
 * What the next commit changes: one `git diff --cached` against HEAD (or the empty tree), read with
 * the hook's environment so GIT_INDEX_FILE (`commit -a`, `commit <paths>`) and GIT_DIR apply.
 */
export async function readStagedChanges(cwd: string): Promise<StagedChange[]> {
  const parser = new StagedDiffParser();
  await runGitChecked(DIFF_FLAGS, cwd, {
    settings: [`core.bigFileThreshold=${LINE_DIFF_MAX_BYTES}`],
    onStdout: (piece) => parser.push(piece),
  });
  return changesOf(parser);
}

/** Parses the output of the diff above, whole or in the pieces it arrived in (exported for tests). */
export function parseStagedDiff(out: Buffer | readonly Buffer[]): StagedChange[] {
  const parser = new StagedDiffParser();
  for (const piece of Buffer.isBuffer(out) ? [out] : out) parser.push(piece);
  return changesOf(parser);
}

/** The file type bits of an octal mode (regular file, symbolic link, submodule). */
function typeOf(mode: string): number {
  return Number.parseInt(mode, 8) & 0o170000;
}

/**
 * Patches git writes for one change: two when both sides exist with different types (a file that
 * became a symbolic link or back: git shows the old side deleted, then the new side created),
 * else one.
 */
function patchesOf(c: RawChange): number {
  const from = typeOf(c.oldMode);
  const to = typeOf(c.newMode);
  return from !== 0 && to !== 0 && from !== to ? 2 : 1;
}

function changesOf(parser: StagedDiffParser): StagedChange[] {
  const { raw, sections: hunks } = parser.finish();
  const changes = parseRaw(raw);
  const expected = changes.reduce((n, c) => n + patchesOf(c), 0);
  if (hunks.length !== expected) {
    throw new KeyguardError(
      'GIT_FAILED',
      `git diff --cached listed ${changes.length} paths but ${hunks.length} patches; refusing to guess which lines are new`,
    );
  }
  let at = 0;
  return changes.map((c) => {
    // A type change's last patch is the new side's: every line of it is new.
    at += patchesOf(c);
    const hunk = hunks[at - 1];
    return { ...c, added: hunk?.added ?? [], binaryDiff: hunk?.binary ?? false };
  });
}

/** True when the object id is git's null id (a deletion's new side). */
export function isNullId(id: string): boolean {
  return ZERO_ID.test(id);
}
