/** Browser sources and sinks for the core: Files in, OPFS files or picked handles out. */
import type { RandomAccessSource } from '../core/index.ts';
import type { ByteSink } from './byte-sink.ts';
import { memorySink } from './memory-sink.ts';
import { readAhead } from './prefetch.ts';
import type { Output } from './protocol.ts';
import { streamSink } from './stream-sink.ts';

export { takeMemoryOutput } from './memory-sink.ts';

/**
 * The part of FileSystemSyncAccessHandle used here, typed locally: TypeScript's DOM library
 * (which the Node-side tests compile against) omits the worker-only sync handles.
 */
export interface SyncAccessHandle {
  write(bytes: Uint8Array<ArrayBuffer>, options: { at: number }): number;
  read(bytes: Uint8Array<ArrayBuffer>, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

export function createSyncAccess(handle: FileSystemFileHandle): Promise<SyncAccessHandle> {
  return (handle as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle();
}

export function fileSource(file: Blob): RandomAccessSource {
  return {
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
    // Read a few pieces ahead, so reading the backup overlaps decrypting and writing (issue 16).
    stream: (offset) => readAhead(file.slice(offset).stream() as ReadableStream<Uint8Array>),
  };
}

export type { ByteSink };

async function opfsSink(name: string): Promise<ByteSink> {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(name, { create: true });
  // Sync access handles exist only in workers and are the fastest way to write OPFS.
  const writer = syncAccessWriter(await createSyncAccess(handle));
  return {
    write: (bytes) => writer.write(bytes),
    // A sync access handle's write has copied the bytes into the file when it returns.
    copiesBytes: true,
    async close() {
      writer.close();
    },
    async abort() {
      writer.abort();
      await root.removeEntry(name).catch(() => {});
    },
    file: () => handle.getFile(),
  };
}

interface SyncWriter {
  write(bytes: Uint8Array): void;
  close(): void;
  abort(): void;
}

/** Writes from the start of a sync access handle (truncated first); a short write means the disk is full. */
function syncAccessWriter(access: SyncAccessHandle, flushOnClose = true): SyncWriter {
  access.truncate(0);
  let position = 0;
  let open = true;
  const closeAccess = () => {
    if (open) access.close();
    open = false;
  };
  return {
    write(bytes) {
      const written = access.write(bytes as Uint8Array<ArrayBuffer>, { at: position });
      if (written !== bytes.length) throw new DOMException('The disk is full.', 'QuotaExceededError');
      position += written;
    },
    close() {
      if (flushOnClose) access.flush();
      closeAccess();
    },
    abort: closeAccess,
  };
}

/**
 * A writer on a sync access handle when the file lives in the origin's private file system (the
 * only place browsers offer them); undefined elsewhere, such as a folder the person picked.
 * Measured in bench/: several times faster than createWritable for the same bytes.
 */
export async function syncFileWriter(
  handle: FileSystemFileHandle,
  options: { flushOnClose?: boolean } = {},
): Promise<SyncWriter | undefined> {
  let access: SyncAccessHandle;
  try {
    access = await createSyncAccess(handle);
  } catch {
    return undefined;
  }
  return syncAccessWriter(access, options.flushOnClose ?? true);
}

async function handleSink(handle: FileSystemFileHandle): Promise<ByteSink> {
  // createWritable writes to a swap file and replaces the target only on close, so an
  // aborted backup never leaves a half-written file under the chosen name.
  const writable = await handle.createWritable();
  return {
    write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
    close: () => writable.close(),
    abort: () => writable.abort(),
    file: () => handle.getFile(),
  };
}

export function openSink(output: Output): Promise<ByteSink> {
  if (output.kind === 'memory') return Promise.resolve(memorySink());
  if (output.kind === 'stream') return Promise.resolve(streamSink(output.port));
  return output.kind === 'opfs' ? opfsSink(output.name) : handleSink(output.handle);
}

export async function removeOpfsFile(name: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name).catch(() => {});
}
