/** Small file helpers shared by the commands. */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { type FileHandle, lstat, open, unlink } from 'node:fs/promises';
import { errnoCode, fsError } from './fs-errors.ts';

export function randomSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** lstat, or undefined when nothing is there. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return undefined;
    throw fsError(error, 'check', path);
  }
}

/** Flushes a file's data to the disk. */
export async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const FLUSH_EVERY = 64 * 1024 * 1024;

/**
 * Passes bytes through on their way to `path`, asking the disk to write out what has arrived so
 * far every 64 MiB. A large backup then reaches the disk while later chunks are being encrypted,
 * instead of all at once in the closing fsync (which still runs, and still decides success).
 */
export function earlyFlusher(path: string): {
  pass(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>;
  settle(): Promise<void>;
} {
  let handle: Promise<FileHandle> | undefined;
  let running: Promise<void> | undefined;
  let failure: unknown;
  let sinceFlush = 0;
  const flush = async () => {
    try {
      handle ??= open(path, 'r+');
      await (await handle).datasync();
    } catch (error) {
      failure ??= error;
    }
  };
  return {
    async *pass(source) {
      for await (const piece of source) {
        yield piece;
        sinceFlush += piece.length;
        if (sinceFlush >= FLUSH_EVERY && !running) {
          sinceFlush = 0;
          running = flush().finally(() => {
            running = undefined;
          });
        }
      }
    },
    async settle() {
      await running;
      if (handle) await (await handle.catch(() => undefined))?.close().catch(() => {});
      if (failure) throw failure;
    },
  };
}

/** Writes a secret to a new file with mode 0600; EEXIST if something is already there. */
export async function writeSecretFile(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
}
