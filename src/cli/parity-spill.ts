/**
 * The CLI's parity spill (core/parity-spill.ts): a hidden temporary file beside the output, so
 * `create --parity` and `repair` keep flat memory at any size. It is removed on every path,
 * including Ctrl+C and a forced exit.
 */
import { rmSync } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParitySpill, ParitySpillFactory } from '../core/index.ts';
import { randomSuffix } from './files.ts';
import { fsError } from './fs-errors.ts';
import { onForcedExit } from './signals.ts';

const READ_PIECE = 1024 * 1024;

/** Spills for backups written into `folder` (the output's own folder: the same disk, no /tmp limit). */
export function fileSpill(folder: string): ParitySpillFactory {
  return async () => {
    const path = join(folder, `.coffer-parity-${randomSuffix()}`);
    const forget = onForcedExit(() => rmSync(path, { force: true }));
    let handle: FileHandle | undefined = await open(path, 'wx+', 0o600).catch((error) => {
      forget();
      throw fsError(error, 'write the repair data beside', folder);
    });
    let size = 0;
    const spill: ParitySpill = {
      async write(bytes) {
        const live = handle as FileHandle;
        let done = 0;
        while (done < bytes.length) {
          const { bytesWritten } = await live
            .write(bytes, done, bytes.length - done, size + done)
            .catch((error: unknown) => {
              throw fsError(error, 'write the repair data beside', folder);
            });
          done += bytesWritten;
        }
        size += bytes.length;
      },
      async *read() {
        const live = handle as FileHandle;
        for (let at = 0; at < size; at += READ_PIECE) {
          const piece = new Uint8Array(Math.min(READ_PIECE, size - at));
          const { bytesRead } = await live.read(piece, 0, piece.length, at);
          if (bytesRead !== piece.length)
            throw fsError(new Error('short read'), 'read back the repair data from', folder);
          yield piece;
        }
      },
      async dispose() {
        const closing = handle;
        handle = undefined;
        await closing?.close().catch(() => {});
        await rm(path, { force: true });
        forget();
      },
    };
    return spill;
  };
}
