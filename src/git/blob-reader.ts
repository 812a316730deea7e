import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { KeyguardError } from '../model/errors.js';
import { spawnGit } from './spawn-git.js';

/** One object read through `git cat-file --batch`. */
export interface BlobRecord {
  readonly id: string;
  /** `blob`, `commit`, … or `missing` when git does not have the object. */
  readonly type: string;
  readonly size: number;
  /** The content, when it is small enough to hold (see STREAM_ABOVE). */
  readonly data?: Buffer;
  /**
   * The content of a large object, in pieces as git writes it: drain it before asking for the next
   * record. Neither `data` nor `pieces` when larger than the reader's `maxSize` (read and dropped).
   */
  readonly pieces?: AsyncIterable<Buffer>;
}

/** Objects larger than this arrive in pieces, so memory stays flat whatever a blob's size. */
export const STREAM_ABOVE = 8 * 1024 * 1024;

/** The pieces of the object being streamed, and the consumer waiting for them. */
interface Streaming {
  readonly queue: Buffer[];
  done: boolean;
  wake: (() => void) | undefined;
}

/** Stop reading git's output while this many bytes wait for the consumer. */
const HIGH_WATER = 8 * 1024 * 1024;
const LF = 0x0a;

/**
 * A long-lived `git cat-file --batch`: ids in, contents out, in order. Content over `maxSize` is
 * streamed past without being kept, and git's output is paused while the consumer is behind, so
 * memory stays bounded whatever the repository holds. The environment is inherited untouched
 * (GIT_DIR, GIT_INDEX_FILE, worktrees). In a partial clone a missing blob is reported missing,
 * never fetched (see GitUse).
 */
export class BlobReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly maxSize: number;
  private readonly ready: BlobRecord[] = [];
  private readyBytes = 0;
  private wake: (() => void) | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private header: { id: string; type: string; size: number } | undefined;
  private body: Buffer[] = [];
  private bodyLeft = 0;
  private keep = true;
  private streaming: Streaming | undefined;
  private exited = false;
  private stderr = '';
  private failure: Error | undefined;

  private readonly buffered: boolean;

  /**
   * `buffered` (git 2.36 or later, see gitHasBatchCommand): ids go in as `--batch-command`
   * requests under `--buffer`, and each `read` ends with a `flush`. Plain `--batch` flushes its
   * output after every object: three writes per object, each waking this reader (on the 30,000
   * commits of the bench history, ~0.4 s of system time).
   */
  constructor(cwd: string, maxSize: number, options: { readonly buffered?: boolean } = {}) {
    this.maxSize = maxSize;
    this.buffered = options.buffered === true;
    this.child = spawnGit(
      'scan',
      this.buffered ? ['cat-file', '--batch-command', '--buffer'] : ['cat-file', '--batch'],
      { cwd },
    );
    this.child.stdout.on('data', (d: Buffer) => this.feed(d));
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
    });
    this.child.on('error', (error) => {
      this.failure = new KeyguardError('GIT_FAILED', `cannot run git: ${error.message}`, {
        cause: error,
      });
      this.poke();
    });
    this.child.on('close', (code) => {
      this.exited = true;
      if (code !== 0 && code !== null && this.failure === undefined) {
        const first = this.stderr.trim().split('\n')[0] ?? '';
        this.failure = new KeyguardError(
          'GIT_FAILED',
          `git cat-file --batch failed (exit ${code}): ${first}`,
        );
      }
      this.poke();
    });
    this.child.stdin.on('error', () => {
      // git exited early; the close handler reports why.
    });
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
    // A consumer draining a streamed object must hear of a failure or an exit too.
    const s = this.streaming?.wake;
    if (s !== undefined && this.streaming !== undefined) this.streaming.wake = undefined;
    s?.();
  }

  private push(record: BlobRecord): void {
    this.ready.push(record);
    this.readyBytes += record.data?.length ?? 0;
    if (this.readyBytes > HIGH_WATER) this.child.stdout.pause();
    this.poke();
  }

  private feed(chunk: Buffer): void {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.header === undefined) {
        const nl = buf.indexOf(LF);
        if (nl === -1) break;
        const line = buf.toString('utf8', 0, nl);
        buf = buf.subarray(nl + 1);
        const [id = '', type = '', size = ''] = line.split(' ');
        if (type === 'missing' || size === '') {
          this.push({ id, type: 'missing', size: 0 });
          continue;
        }
        const n = Number(size);
        this.header = { id, type, size: n };
        this.bodyLeft = n + 1; // content, then a newline
        this.keep = n <= this.maxSize;
        this.body = [];
        if (this.keep && n > STREAM_ABOVE) {
          const streaming: Streaming = { queue: [], done: false, wake: undefined };
          this.streaming = streaming;
          this.push({ id, type, size: n, pieces: this.piecesOf(streaming) });
        }
        continue;
      }
      const take = Math.min(this.bodyLeft, buf.length);
      const streaming = this.streaming;
      if (streaming !== undefined) {
        // The object's trailing newline is not content.
        const content = Math.min(take, this.bodyLeft - 1);
        if (content > 0) {
          // Copied: git's read buffer is reused once this returns.
          streaming.queue.push(Buffer.from(buf.subarray(0, content)));
          this.readyBytes += content;
          if (this.readyBytes > HIGH_WATER) this.child.stdout.pause();
        }
      } else if (this.keep) this.body.push(buf.subarray(0, take));
      this.bodyLeft -= take;
      buf = buf.subarray(take);
      if (streaming !== undefined) {
        if (this.bodyLeft === 0) {
          streaming.done = true;
          this.streaming = undefined;
          this.header = undefined;
        }
        const w = streaming.wake;
        streaming.wake = undefined;
        w?.();
        continue;
      }
      if (this.bodyLeft === 0) {
        const h = this.header;
        this.header = undefined;
        if (this.keep) {
          // Most blobs sit inside one read from the pipe: a view, not a copy.
          const all = this.body.length === 1 ? (this.body[0] as Buffer) : Buffer.concat(this.body);
          this.push({ ...h, data: all.subarray(0, h.size) });
        } else {
          this.push(h);
        }
        this.body = [];
      }
    }
    if (buf.length > 0) this.pending = Buffer.from(buf);
  }

  /** The pieces of a streamed object, as the consumer drains them. */
  private async *piecesOf(streaming: Streaming): AsyncGenerator<Buffer> {
    for (;;) {
      const piece = streaming.queue.shift();
      if (piece !== undefined) {
        this.readyBytes -= piece.length;
        if (this.readyBytes <= HIGH_WATER && this.child.stdout.isPaused())
          this.child.stdout.resume();
        yield piece;
        continue;
      }
      if (streaming.done) return;
      if (this.failure !== undefined) throw this.failure;
      if (this.exited) throw new KeyguardError('GIT_FAILED', 'git cat-file --batch ended early');
      await new Promise<void>((resolve) => {
        streaming.wake = resolve;
      });
    }
  }

  private async next(): Promise<BlobRecord> {
    for (;;) {
      const record = this.ready.shift();
      if (record !== undefined) {
        this.readyBytes -= record.data?.length ?? 0;
        if (this.readyBytes <= HIGH_WATER && this.child.stdout.isPaused())
          this.child.stdout.resume();
        return record;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.exited) {
        throw new KeyguardError('GIT_FAILED', 'git cat-file --batch ended before answering');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Asks for `ids` and yields their records in the same order. */
  async *read(ids: readonly string[]): AsyncGenerator<BlobRecord> {
    if (ids.length === 0) return;
    this.child.stdin.write(
      this.buffered ? `contents ${ids.join('\ncontents ')}\nflush\n` : `${ids.join('\n')}\n`,
    );
    for (let i = 0; i < ids.length; i++) yield await this.next();
  }

  /** Ends git's input and waits for it to exit; a failure after all answers is still reported. */
  async close(): Promise<void> {
    this.child.stdin.end();
    if (!this.exited) {
      await new Promise<void>((resolve) => {
        this.child.once('close', () => resolve());
        if (this.exited) resolve();
      });
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops git at once (the scan failed elsewhere). */
  kill(): void {
    if (!this.exited) this.child.kill();
  }
}
