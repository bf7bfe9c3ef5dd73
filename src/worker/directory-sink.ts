/**
 * "Restore all" into a folder (issue 15). Opening and closing a file costs far more than writing
 * a small one (measured in bench/page/tree-io.ts: each createWritable commits through a swap file),
 * and the platform's latency, not its bandwidth, is the limit. So small files are held in memory
 * until they are complete and then written by a pool of concurrent writers, with the bytes held
 * bounded; large files stream straight through. In the origin's private file system every file
 * goes through a sync access handle, which skips the swap file; a folder the person picked
 * offers only writables. Nothing is durable until `drain` returns.
 */
import type { FileSink, IndexEntry, RestoreSink } from '../core/index.ts';
import { syncFileWriter } from './browser-io.ts';

/** Files up to this size are buffered whole and written in the background. */
const SMALL_FILE = 1024 * 1024;
/** Writes in flight at once; the best concurrency measured for a tree of small files. */
const WRITERS = 8;
/** Bytes held by buffered files waiting for, or in, a write. */
const HELD_LIMIT = 32 * 1024 * 1024;

export interface DirectorySink extends RestoreSink {
  /** Waits for every background write; throws the first failure. Call after restoring, also on failure. */
  drain(): Promise<void>;
}

interface Writer extends FileSink {
  abort(): Promise<void>;
}

export function directorySink(folder: FileSystemDirectoryHandle): DirectorySink {
  const folders = new Map<string, Promise<FileSystemDirectoryHandle>>([['', Promise.resolve(folder)]]);
  const folderFor = (path: string): Promise<FileSystemDirectoryHandle> => {
    const known = folders.get(path);
    if (known) return known;
    const slash = path.lastIndexOf('/');
    const created = folderFor(slash === -1 ? '' : path.slice(0, slash)).then((parent) =>
      parent.getDirectoryHandle(path.slice(slash + 1), { create: true }),
    );
    // A failed folder is not cached as failed forever, but its failure still surfaces here.
    folders.set(path, created);
    return created;
  };
  const handleFor = async (path: string) => {
    const slash = path.lastIndexOf('/');
    const parent = await folderFor(slash === -1 ? '' : path.slice(0, slash));
    return parent.getFileHandle(path.slice(slash + 1), { create: true });
  };
  /** Whether this folder offers sync access handles: learnt from the first file, then fixed. */
  let syncWorks: boolean | undefined;
  const openWriter = async (handle: FileSystemFileHandle): Promise<Writer> => {
    if (syncWorks !== false) {
      // No flush (an fsync) per file: the bytes are in the file once it is closed, and a sync per
      // file costs more than writing a small one (issue 15).
      const sync = await syncFileWriter(handle, { flushOnClose: false });
      syncWorks = sync !== undefined;
      if (sync) return { write: (b) => sync.write(b), close: () => sync.close(), abort: async () => sync.abort() };
    }
    const writable = await handle.createWritable();
    return {
      write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
      close: () => writable.close(),
      abort: () => writable.abort(),
    };
  };

  const running = new Set<Promise<void>>();
  let held = 0;
  let failure: { error: unknown } | undefined;
  const rethrow = () => {
    if (failure) throw failure.error;
  };
  /** Waits until one more file of `bytes` may be held. */
  const room = async (bytes: number) => {
    while (running.size >= WRITERS || (running.size > 0 && held + bytes > HELD_LIMIT)) {
      await Promise.race(running);
    }
    rethrow();
  };
  const writeLater = (entry: IndexEntry, pieces: Uint8Array[], bytes: number) => {
    held += bytes;
    const job = (async () => {
      const writer = await openWriter(await handleFor(entry.path));
      try {
        for (const piece of pieces) await writer.write(piece);
      } catch (error) {
        await writer.abort().catch(() => {});
        throw error;
      }
      await writer.close();
    })()
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        held -= bytes;
        running.delete(job);
      });
    running.add(job);
  };

  return {
    async directory(entry) {
      rethrow();
      await folderFor(entry.path);
    },
    async file(entry) {
      rethrow();
      if (entry.size > SMALL_FILE) {
        // Large: streamed through one writer; the pool keeps writing small files meanwhile.
        return openWriter(await handleFor(entry.path));
      }
      await room(entry.size);
      const pieces: Uint8Array[] = [];
      let bytes = 0;
      return {
        write(piece) {
          // Copied: the reader may reuse a piece's buffer once write returns, and a view would
          // keep a whole decrypted chunk alive for a file of a few bytes.
          pieces.push(piece.slice());
          bytes += piece.length;
        },
        close() {
          writeLater(entry, pieces, Math.max(bytes, entry.size));
        },
      };
    },
    async drain() {
      while (running.size > 0) await Promise.race(running);
      rethrow();
    },
  };
}
