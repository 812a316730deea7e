import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { CleanBlobs } from '../model/clean-blobs.js';
import { nodeCrypto } from '../model/node-crypto.js';
import type { LoadedSetup } from './create-scan-setup.js';

/**
 * The history cache: ids of blobs an earlier `keyguard history` read whole without handing the
 * engine one character (no keyword of any rule, no archive entry that had one) and without
 * skipping any part of them. Such a blob cannot hold a finding under the same rules, whatever its
 * path, the baseline or the allowlists: those only ever remove findings. Blobs that reached the
 * engine are read again on every run, so their findings are reported every time. Likewise the ids
 * of commits whose message and every blob they bring in were so: the walk need not list them again.
 *
 * The file lives under the repository's common git folder (`keyguard/history-<key id>.cache`),
 * which a clone or a commit cannot write, but a copied folder or another local program can. So it
 * is authenticated with an HMAC under a key kept in the user's private folder: a file that does
 * not verify is ignored (every blob is read, and the run says so), never trusted.
 *
 * Layout: "KGHC" | format (1 byte) | id length (1) | setup hash (32) | blob count (u32 BE) |
 * commit count (u32 BE) | sorted blob ids | sorted commit ids | HMAC-SHA256 of all before it (32).
 */
const MAGIC = Buffer.from('KGHC', 'latin1');
const FORMAT = 2;
const HEADER = MAGIC.length + 1 + 1 + 32 + 4 + 4;
const MAC = 32;
/** A file larger than this is not ours (50 million SHA-256 ids): ignored, not read. */
const MAX_BYTES = 50_000_000 * 32;

export interface HistoryCacheOptions {
  /** The repository's common git folder (`git rev-parse --git-common-dir`). */
  readonly gitDir: string;
  /** 32 secret bytes from the user's private folder. */
  readonly hmacKey: Buffer;
  /** What decides which blobs read clean (historySetupHash). */
  readonly setupHash: Buffer;
}

export interface HistoryCache extends CleanBlobs {
  /** Why the file on disk was not used, when it existed and was not (one line), for a warning. */
  readonly problem?: string;
  /** `used` (verified, same rules), `new` (none yet), `restarted` (other rules), `ignored`. */
  readonly state: 'used' | 'new' | 'restarted' | 'ignored';
  /** Blob ids the file held when the scan started. */
  readonly size: number;
  /** Commit ids the file held when the scan started. */
  readonly commits: number;
  /** The commit was walked by an earlier scan with the same rules, and nothing in it reached the engine. */
  hasCommit(id: string): boolean;
  /** Writes what was loaded plus what this scan read clean; a problem is returned, never thrown. */
  save(): string | undefined;
}

/**
 * Everything that decides whether a blob's bytes reach the engine: keyguard's own code, every rule
 * (keywords and value runs come from them), the config and the size limit. Settings that only
 * drop findings need not be here, but the config is, whole: any change to it starts over.
 */
export function historySetupHash(
  setup: LoadedSetup,
  settings: {
    readonly build: string;
    readonly maxFileSize?: number;
    readonly otherMarkers: boolean;
  },
): Buffer {
  const { configFile: _file, ...compile } = setup.compileOptions;
  return nodeCrypto()
    .createHash('sha256')
    .update(
      JSON.stringify({
        format: FORMAT,
        build: settings.build,
        packs: setup.packSources.map((p) => p.spec),
        compile,
        config: setup.config.config,
        maxFileSize: settings.maxFileSize ?? null,
        otherMarkers: settings.otherMarkers,
      }),
    )
    .digest();
}

/** Names the file after the key, so two users of one repository keep a file each. */
function cacheFile(options: HistoryCacheOptions): string {
  const id = nodeCrypto()
    .createHash('sha256')
    .update('keyguard history cache\0')
    .update(options.hmacKey)
    .digest('hex')
    .slice(0, 16);
  return join(options.gitDir, 'keyguard', `history-${id}.cache`);
}

interface Loaded {
  readonly idLength: number;
  readonly setupHash: Buffer;
  /** count × idLength bytes, sorted. */
  readonly ids: Buffer;
  readonly commits: Buffer;
}

type LoadResult =
  | { readonly kind: 'missing' }
  | { readonly kind: 'bad'; readonly why: string }
  | { readonly kind: 'ok'; readonly loaded: Loaded };

function readWhole(file: string): Buffer | 'missing' {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new Error('not a regular file');
    if (s.size > MAX_BYTES) throw new Error('too large');
    const buf = Buffer.allocUnsafe(s.size);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

function load(file: string, hmacKey: Buffer): LoadResult {
  let buf: Buffer | 'missing';
  try {
    buf = readWhole(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { kind: 'bad', why: `unreadable (${e.code ?? e.message})` };
  }
  if (buf === 'missing') return { kind: 'missing' };
  if (buf.length < HEADER + MAC || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { kind: 'bad', why: 'not a keyguard history cache' };
  }
  const body = buf.subarray(0, buf.length - MAC);
  const mac = nodeCrypto().createHmac('sha256', hmacKey).update(body).digest();
  if (!nodeCrypto().timingSafeEqual(mac, buf.subarray(buf.length - MAC))) {
    return { kind: 'bad', why: 'did not verify (edited, damaged, or made by someone else)' };
  }
  const format = buf[MAGIC.length];
  const idLength = buf[MAGIC.length + 1] ?? 0;
  const count = buf.readUInt32BE(MAGIC.length + 2 + 32);
  const commits = buf.readUInt32BE(MAGIC.length + 2 + 32 + 4);
  if (
    format !== FORMAT ||
    (idLength !== 20 && idLength !== 32) ||
    body.length !== HEADER + (count + commits) * idLength
  ) {
    return { kind: 'bad', why: 'damaged (its length does not add up)' };
  }
  const split = HEADER + count * idLength;
  return {
    kind: 'ok',
    loaded: {
      idLength,
      setupHash: Buffer.from(buf.subarray(MAGIC.length + 2, MAGIC.length + 2 + 32)),
      ids: body.subarray(HEADER, split),
      commits: body.subarray(split),
    },
  };
}

/** Binary search over sorted fixed-length ids. */
function contains(ids: Buffer, idLength: number, id: Buffer): boolean {
  let lo = 0;
  let hi = ids.length / idLength - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = mid * idLength;
    const c = ids.compare(id, 0, idLength, at, at + idLength);
    if (c === 0) return true;
    // compare() is target vs source: positive means the id sorts before this entry.
    if (c > 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return false;
}

/** Two sorted runs of ids merged into one, without duplicates. */
function merge(a: Buffer, b: Buffer, idLength: number): Buffer {
  const out = Buffer.allocUnsafe(a.length + b.length);
  let i = 0;
  let j = 0;
  let o = 0;
  const push = (src: Buffer, at: number) => {
    if (o >= idLength && out.compare(src, at, at + idLength, o - idLength, o) === 0) return;
    src.copy(out, o, at, at + idLength);
    o += idLength;
  };
  while (i < a.length && j < b.length) {
    // compare() answers for its target: positive means b's id sorts before a's.
    if (a.compare(b, j, j + idLength, i, i + idLength) > 0) {
      push(b, j);
      j += idLength;
    } else {
      push(a, i);
      i += idLength;
    }
  }
  for (; i < a.length; i += idLength) push(a, i);
  for (; j < b.length; j += idLength) push(b, j);
  return out.subarray(0, o);
}

const LOWER_HEX = /^[0-9a-f]+$/;

function sortedIds(hex: Iterable<string>, idLength: number): Buffer {
  // Sorted as text, decoded once: lowercase hex sorts as its bytes do, and comparing 60,000
  // strings takes a tenth of comparing as many Buffers (the save was ~0.4 s of a 30,000-commit
  // run, after the scan). Anything but lowercase hex of the right length is not an id git gave.
  const list: string[] = [];
  for (const h of hex) if (h.length === idLength * 2 && LOWER_HEX.test(h)) list.push(h);
  list.sort();
  return merge(Buffer.from(list.join(''), 'hex'), Buffer.alloc(0), idLength);
}

function encode(loaded: Loaded, hmacKey: Buffer): Buffer {
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head, 0);
  head[MAGIC.length] = FORMAT;
  head[MAGIC.length + 1] = loaded.idLength;
  loaded.setupHash.copy(head, MAGIC.length + 2);
  head.writeUInt32BE(loaded.ids.length / loaded.idLength, MAGIC.length + 2 + 32);
  head.writeUInt32BE(loaded.commits.length / loaded.idLength, MAGIC.length + 2 + 32 + 4);
  const mac = nodeCrypto()
    .createHmac('sha256', hmacKey)
    .update(head)
    .update(loaded.ids)
    .update(loaded.commits)
    .digest();
  return Buffer.concat([head, loaded.ids, loaded.commits, mac]);
}

function errorCode(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

/** Opens the repository's history cache; any trouble with the file means an empty one. */
export function openHistoryCache(options: HistoryCacheOptions): HistoryCache {
  const file = cacheFile(options);
  const first = load(file, options.hmacKey);
  const usable =
    first.kind === 'ok' && first.loaded.setupHash.equals(options.setupHash)
      ? first.loaded
      : undefined;
  const state =
    first.kind === 'missing'
      ? 'new'
      : first.kind === 'bad'
        ? 'ignored'
        : usable === undefined
          ? 'restarted'
          : 'used';
  const added = new Set<string>();
  const addedCommits = new Set<string>();
  const lookup = (ids: Buffer | undefined, id: string): boolean => {
    if (usable === undefined || ids === undefined || id.length !== usable.idLength * 2)
      return false;
    return contains(ids, usable.idLength, Buffer.from(id, 'hex'));
  };
  return {
    state,
    ...(first.kind === 'bad' ? { problem: `history cache ${first.why}: every blob is read` } : {}),
    size: usable === undefined ? 0 : usable.ids.length / usable.idLength,
    commits: usable === undefined ? 0 : usable.commits.length / usable.idLength,
    has(id) {
      return added.has(id) || lookup(usable?.ids, id);
    },
    hasCommit(id) {
      return lookup(usable?.commits, id);
    },
    remember(id) {
      added.add(id);
    },
    rememberCommit(id) {
      addedCommits.add(id);
    },
    save() {
      if (added.size === 0 && addedCommits.size === 0 && state === 'used') return undefined;
      const first = added.values().next().value ?? addedCommits.values().next().value;
      const idLength = usable?.idLength ?? (first?.length === 64 ? 32 : 20);
      let ids = sortedIds(added, idLength);
      let commits = sortedIds(addedCommits, idLength);
      if (usable !== undefined) {
        ids = merge(usable.ids, ids, idLength);
        commits = merge(usable.commits, commits, idLength);
      }
      // Another run may have saved meanwhile: keep what it learnt too, if it verifies.
      const now = load(file, options.hmacKey);
      if (
        now.kind === 'ok' &&
        now.loaded.setupHash.equals(options.setupHash) &&
        now.loaded.idLength === idLength
      ) {
        ids = merge(ids, now.loaded.ids, idLength);
        commits = merge(commits, now.loaded.commits, idLength);
      }
      const bytes = encode(
        { idLength, setupHash: options.setupHash, ids, commits },
        options.hmacKey,
      );
      const dir = join(options.gitDir, 'keyguard');
      const temp = `${file}.${nodeCrypto().randomBytes(8).toString('hex')}.tmp`;
      try {
        try {
          mkdirSync(dir, { mode: 0o700 });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        // A planted link in place of the folder would carry the file to wherever it points.
        if (lstatSync(dir).isSymbolicLink())
          throw new Error('its folder is a symbolic link, which keyguard does not follow');
        // A new file, never one that was there (a planted link is not followed): then renamed
        // over the old one, so a reader sees the old file or the new, never half of one.
        writeFileSync(temp, bytes, { flag: 'wx', mode: 0o600 });
        renameSync(temp, file);
        return undefined;
      } catch (error) {
        try {
          unlinkSync(temp);
        } catch {
          // Never made.
        }
        return `could not save the history cache (${errorCode(error)}): the next run reads every blob again`;
      }
    },
  };
}
