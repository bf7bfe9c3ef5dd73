/** Turns Node file-system errors into one-line messages that say what failed and why. */
import { RemoteError } from '../remote/errors.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { exitCodeForRemote } from './remote/exit.ts';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EISDIR: 'it is a folder',
  ENOTDIR: 'part of the path is not a folder',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  EIO: 'input/output error (the disk may be failing)',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'it is busy',
  EFBIG: 'the file is too large for this file system',
  EXDEV: 'it is on another disk',
};

export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function isNodeFsError(error: unknown): boolean {
  const code = errnoCode(error);
  return code !== undefined && /^E[A-Z]+$/.test(code) && 'syscall' in (error as object);
}

export function reasonOf(error: unknown): string {
  const code = errnoCode(error);
  if (code && REASONS[code]) return REASONS[code];
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}

/** `cannot <action> "<path>": <reason>` as an exit-1 error. */
export function fsError(error: unknown, action: string, path: string, hint?: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof RemoteError) return new CliError(exitCodeForRemote(error.kind), error.message, error.hint);
  const code = errnoCode(error);
  const extra = code === 'ENOSPC' || code === 'EDQUOT' ? 'Free some space and try again.' : undefined;
  return new CliError(EXIT.other, `cannot ${action} ${JSON.stringify(path)}: ${reasonOf(error)}`, hint ?? extra);
}
