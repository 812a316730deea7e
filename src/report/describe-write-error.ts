const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'its folder does not exist',
  EIO: 'input/output error',
  EPIPE: 'the reader closed the pipe',
  ECONNRESET: 'the reader closed the connection',
  EFBIG: 'file too large',
  EBADF: 'the output is closed',
};

/** Why a write failed, in words and with the system's code: `no space left on the device (ENOSPC)`. */
export function describeWriteError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return 'write failed';
  const reason = REASONS[code];
  return reason === undefined ? code : `${reason} (${code})`;
}
