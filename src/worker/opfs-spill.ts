/**
 * The app's parity spill (core/parity-spill.ts): a temporary file in the origin's private file
 * system, written and read back through a sync access handle, so a backup with repair data keeps
 * the worker's memory flat at any size. The page names the file (a tab-owned temporary name, so a
 * crashed tab's leftover is removed at the next start) and the worker removes it on every path.
 */
import type { ParitySpill, ParitySpillFactory } from '../core/index.ts';
import { createSyncAccess } from './browser-io.ts';

const READ_PIECE = 1024 * 1024;

export function opfsSpill(name: string): ParitySpillFactory {
  return async () => {
    const root = await navigator.storage.getDirectory();
    const handle = await root.getFileHandle(name, { create: true });
    const access = await createSyncAccess(handle);
    let size = 0;
    let closed = false;
    const spill: ParitySpill = {
      async write(bytes) {
        const written = access.write(bytes as Uint8Array<ArrayBuffer>, { at: size });
        if (written !== bytes.length) {
          throw new DOMException('There is not enough space for the repair data.', 'QuotaExceededError');
        }
        size += written;
      },
      async *read() {
        for (let at = 0; at < size; at += READ_PIECE) {
          const piece = new Uint8Array(Math.min(READ_PIECE, size - at));
          if (access.read(piece, { at }) !== piece.length) throw new Error('The repair data could not be read back.');
          yield piece;
        }
      },
      async dispose() {
        if (!closed) {
          closed = true;
          access.close();
        }
        await root.removeEntry(name).catch(() => {});
      },
    };
    return spill;
  };
}
