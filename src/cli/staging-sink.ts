/**
 * The sink that writes decrypted files into the staging folder. Files are created new (never
 * through an existing name), mode 0600 until complete, then given their time and mode.
 *
 * For a tree of small files the cost is one create, write, time, mode and close per file. So a
 * small file is gathered whole from the reader's pieces, and small files are made in batches on
 * writing threads with the synchronous calls (small-file-writer.ts), in the background while the
 * reader decrypts the next ones, with the bytes and batches in flight bounded; large files are
 * streamed as they arrive.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileSink, IndexEntry, RestoreSink } from '../core/index.ts';
import { chmodFd, closeFd, datasyncFd, openFd, utimesFd } from './fd.ts';
import { fsError } from './fs-errors.ts';
import { entryDate, fileMode, type Staging } from './restore-staging.ts';
import {
  type SmallFileWrite,
  SmallFileWriteError,
  type SmallFileWriter,
  smallFileWriter,
} from './small-file-writer.ts';
import { writeBehind } from './write-behind.ts';

export interface SinkProgress {
  onFileDone?(entry: IndexEntry): void;
}

export interface StagingSink extends RestoreSink {
  /** Waits for the files still being written in the background; throws their first error. */
  flush(): Promise<void>;
  /** Waits for (and closes) whatever is still in flight after a failure. */
  discard(): Promise<void>;
}

/** Files up to this size are gathered whole and written in one go. */
const WHOLE_FILE = 1024 * 1024;
/** Small files go to a writing thread this many (or this many bytes) at a time. */
const BATCH_FILES = 32;
const BATCH_BYTES = 2 * 1024 * 1024;
/** Batches and large files' endings in flight together. */
const FILES_IN_FLIGHT = 8;
const BYTES_IN_FLIGHT = 16 * 1024 * 1024;

export function stagingSink(staging: Staging, target: string, syncPaths: ReadonlySet<string>): StagingSink {
  const made = new Set<string>();
  const running = new Set<Promise<void>>();
  let bytesInFlight = 0;
  let failure: unknown;
  const ensureDir = async (path: string) => {
    if (made.has(path)) return;
    await mkdir(path, { recursive: true });
    made.add(path);
  };
  const rethrow = () => {
    if (failure !== undefined) throw failure;
  };
  /** Runs a job in the background once there is room for it. */
  const launch = async (bytes: number, job: () => Promise<void>) => {
    while (running.size >= FILES_IN_FLIGHT || (running.size > 0 && bytesInFlight + bytes > BYTES_IN_FLIGHT))
      await Promise.race(running);
    bytesInFlight += bytes;
    const done = job().finally(() => {
      bytesInFlight -= bytes;
      running.delete(done);
    });
    running.add(done);
  };
  /** Time, mode, close: the file is complete. A file that replaces one must be on the disk first. */
  const finish = async (fd: number, entry: IndexEntry, final: string) => {
    try {
      if (syncPaths.has(entry.path)) await datasyncFd(fd);
      const date = entryDate(entry);
      if (date) await utimesFd(fd, date);
      await chmodFd(fd, fileMode(entry));
    } catch (error) {
      failure ??= fsError(error, 'write', final);
    } finally {
      await closeFd(fd).catch((error) => {
        failure ??= fsError(error, 'write', final);
      });
    }
  };
  const create = async (path: string, final: string) => {
    try {
      await ensureDir(dirname(path));
      return await openFd(path, 'wx', 0o600);
    } catch (error) {
      throw fsError(error, 'write', final);
    }
  };

  /** Small files waiting to go to a writing thread together, with their final names for errors. */
  const emptyBatch = (): { files: SmallFileWrite[]; finals: string[]; bytes: number } => ({
    files: [],
    finals: [],
    bytes: 0,
  });
  let batch = emptyBatch();
  let writer: SmallFileWriter | undefined;
  const sendBatch = async () => {
    const { files, finals, bytes } = batch;
    if (files.length === 0) return;
    batch = emptyBatch();
    writer ??= smallFileWriter();
    const threads = writer;
    await launch(bytes, async () => {
      if (failure !== undefined) return;
      await threads.write(files).catch((error: unknown) => {
        const at = error instanceof SmallFileWriteError ? error : undefined;
        failure ??= fsError(at ? at.failure : error, 'write', finals[at?.index ?? 0]);
      });
    });
  };

  const wholeFile = (entry: IndexEntry, path: string, final: string): FileSink => {
    const pieces: Uint8Array[] = [];
    return {
      write(bytes) {
        pieces.push(bytes);
      },
      async close() {
        rethrow();
        // The folder is made now, in order, so that the writing threads never race to make it.
        try {
          await ensureDir(dirname(path));
        } catch (error) {
          throw fsError(error, 'write', final);
        }
        const sync = syncPaths.has(entry.path);
        batch.files.push({ path, pieces, sync, date: entryDate(entry), mode: fileMode(entry) });
        batch.finals.push(final);
        batch.bytes += entry.size;
        if (batch.files.length >= BATCH_FILES || batch.bytes >= BATCH_BYTES) await sendBatch();
        rethrow();
      },
      abort() {
        pieces.length = 0;
      },
    };
  };

  const streamedFile = async (entry: IndexEntry, path: string, final: string): Promise<FileSink> => {
    const fd = await create(path, final);
    const behind = writeBehind(fd);
    let closed = false;
    const dropPartial = async () => {
      closed = true;
      // Never closed under a write still running: the number could go to another file meanwhile.
      await behind.settled();
      await closeFd(fd).catch(() => {});
      // Salvage goes on after a lost file: what was written of it must not be committed.
      await rm(path, { force: true }).catch(() => {});
    };
    return {
      async write(bytes) {
        try {
          await behind.write(bytes);
        } catch (error) {
          throw fsError(error, 'write', final);
        }
      },
      async close() {
        const failed = await behind.settled();
        if (failed !== undefined) {
          await dropPartial();
          throw fsError(failed, 'write', final);
        }
        closed = true;
        await launch(0, () => finish(fd, entry, final));
        rethrow();
      },
      async abort() {
        if (!closed) await dropPartial();
      },
    };
  };

  return {
    async directory(entry) {
      rethrow();
      try {
        await ensureDir(join(staging.data, entry.path));
      } catch (error) {
        throw fsError(error, 'create the folder', join(target, entry.path));
      }
    },
    async file(entry): Promise<FileSink> {
      rethrow();
      const path = join(staging.data, entry.path);
      const final = join(target, entry.path);
      return entry.size <= WHOLE_FILE ? wholeFile(entry, path, final) : streamedFile(entry, path, final);
    },
    async flush() {
      await sendBatch();
      while (running.size > 0) await Promise.all(running);
      rethrow();
    },
    async discard() {
      batch = emptyBatch();
      while (running.size > 0) await Promise.all(running);
      await writer?.close();
    },
  };
}
