/** Browser sources and sinks for the core: Files in, OPFS files or picked handles out. */
import { type ByteSource, iterateBytes, type RandomAccessSource } from '../core/index.ts';
import type { Output } from './protocol.ts';

export function fileSource(file: Blob): RandomAccessSource {
  return {
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
    stream: (offset) => file.slice(offset).stream() as ReadableStream<Uint8Array>,
  };
}

const READ_PIECE = 1024 * 1024;

/**
 * Files at least this large are read through the BYOB reader. Chromium 156 stalls after a few
 * dozen BYOB streams over Blobs when each gets its own buffer (and after some thousands even when
 * they share one), while the default reader never did; so small files, which gain little, keep
 * the default reader, and every BYOB stream shares one buffer.
 */
export const REUSING_READ_MIN = 16 * 1024 * 1024;

/** The one buffer every BYOB read goes into; the worker reads one stream at a time. */
let shared: ArrayBuffer | undefined;

/**
 * A Blob's bytes through a BYOB reader that refills one buffer: a piece is valid only until the
 * next is asked for. Blob.stream()'s default reader hands out a fresh buffer per piece, and
 * fresh memory is what limits reading on a virtual machine where every new page faults in
 * slowly (npm run bench: browser.io.readByob against browser.io.readFile). The core's writer and
 * STREAM reader copy each piece before pulling the next, which is the contract this relies on.
 */
export async function* readBlobReusing(blob: Blob): AsyncGenerator<Uint8Array> {
  const stream = blob.stream();
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    // A browser whose Blob streams are not byte streams: fresh pieces, same bytes.
    yield* iterateBytes(stream as ReadableStream<Uint8Array>);
    return;
  }
  try {
    for (;;) {
      const buffer = shared ?? new ArrayBuffer(READ_PIECE);
      // The read transfers the buffer; its memory comes back as value.buffer (also when done).
      shared = undefined;
      const { done, value } = await reader.read(new Uint8Array(buffer));
      if (value) shared = value.buffer as ArrayBuffer;
      if (done || !value) return;
      if (value.length > 0) yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** A File for the core's writer: large ones through the reusing reader, small ones as they come. */
export function readFileForBackup(file: Blob): ByteSource {
  return file.size >= REUSING_READ_MIN ? readBlobReusing(file) : (file.stream() as ReadableStream<Uint8Array>);
}

/** A backup file for the core's reader: random reads, and a reusing sequential stream. */
export function backupSource(file: Blob): RandomAccessSource {
  return { ...fileSource(file), stream: (offset) => readBlobReusing(file.slice(offset)) };
}

/** Where the worker writes bytes; `abort` removes whatever was written. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void> | void;
  close(): Promise<void>;
  abort(): Promise<void>;
  /** The written file, for read-back verification. */
  file(): Promise<File>;
}

async function opfsSink(name: string): Promise<ByteSink> {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(name, { create: true });
  // Sync access handles exist only in workers and are the fastest way to write OPFS.
  const access = await handle.createSyncAccessHandle();
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
    async close() {
      access.flush();
      closeAccess();
    },
    async abort() {
      closeAccess();
      await root.removeEntry(name).catch(() => {});
    },
    file: () => handle.getFile(),
  };
}

/**
 * A writer on a sync access handle when the file lives in the origin's private file system (the
 * only place browsers offer them); undefined elsewhere, such as a folder the person picked.
 * Measured in bench/: several times faster than createWritable for the same bytes.
 */
export async function syncFileWriter(
  handle: FileSystemFileHandle,
): Promise<{ write(bytes: Uint8Array): void; close(): void; abort(): void } | undefined> {
  let access: FileSystemSyncAccessHandle;
  try {
    access = await handle.createSyncAccessHandle();
  } catch {
    return undefined;
  }
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
      access.flush();
      closeAccess();
    },
    abort: closeAccess,
  };
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
  return output.kind === 'opfs' ? opfsSink(output.name) : handleSink(output.handle);
}

export async function removeOpfsFile(name: string): Promise<void> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(name).catch(() => {});
}
