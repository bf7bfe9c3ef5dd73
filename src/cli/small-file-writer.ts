/**
 * Restored small files written on worker threads, a batch of files per message.
 *
 * Written one by one from the main thread, each small file is an open, a write, a time, a mode
 * and a close, each a round trip to libuv's pool: for a tree of 10,000 files that was about
 * 67,000 futex waits (strace -c -f) and some 300 ms of the main thread's time spent only handing
 * the calls over, while decrypting and decompressing took less. Here a thread makes a whole batch
 * with the synchronous calls and answers once, while the main thread decrypts the next files.
 *
 * A batch travels as one buffer (transferred, not copied again) with each file's length in it:
 * the reader's pieces may be views into a larger decrypted buffer, which a structured clone would
 * copy whole for every file.
 */
import { availableParallelism } from 'node:os';
import { asFsError, evalThreads, THREAD_FS_FAILURE, type ThreadFsFailure } from './eval-threads.ts';

/** A file to make: created new (never through an existing name), mode 0600 until complete. */
export interface SmallFileWrite {
  path: string;
  pieces: readonly Uint8Array[];
  /** A file that replaces one must be on the disk before the old one goes (fdatasync). */
  sync: boolean;
  date: Date | undefined;
  mode: number;
}

interface BatchFile {
  path: string;
  length: number;
  sync: boolean;
  date: Date | undefined;
  mode: number;
}

/** The thread's answer: how many files it made, and why it stopped at the next one if it did. */
interface BatchReply {
  made: number;
  error?: ThreadFsFailure;
}

const THREAD = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');

function writeAll(fd, bytes) {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

function make(file, bytes) {
  const fd = fs.openSync(file.path, 'wx', 0o600);
  try {
    writeAll(fd, bytes);
    if (file.sync) fs.fdatasyncSync(fd);
    if (file.date) fs.futimesSync(fd, file.date, file.date);
    fs.fchmodSync(fd, file.mode);
  } catch (error) {
    try { fs.closeSync(fd); } catch {}
    throw error;
  }
  fs.closeSync(fd);
}

parentPort.on('message', ({ id, body: { files, data } }) => {
  const bytes = new Uint8Array(data);
  let offset = 0;
  let made = 0;
  try {
    for (const file of files) {
      make(file, bytes.subarray(offset, offset + file.length));
      offset += file.length;
      made++;
    }
    parentPort.postMessage({ id, body: { made } });
  } catch (error) {
    parentPort.postMessage({ id, body: { made, error: fsFailure(error) } });
  }
});
${THREAD_FS_FAILURE}`;

export interface SmallFileWriter {
  /**
   * Makes the files in order. On a failure the files before it are made and the rest are not:
   * it rejects with node:fs's error and the index of the file it failed on.
   */
  write(files: readonly SmallFileWrite[]): Promise<void>;
  close(): Promise<void>;
}

/** node:fs's error for the file at `index` of a batch. */
export class SmallFileWriteError extends Error {
  constructor(
    readonly failure: Error,
    readonly index: number,
  ) {
    super(failure.message);
  }
}

export function smallFileWriter(size = Math.max(1, Math.min(2, availableParallelism()))): SmallFileWriter {
  const threads = evalThreads<{ files: BatchFile[]; data: ArrayBuffer }, BatchReply>({
    script: THREAD,
    name: 'coffer-restore-files',
    what: 'A file-writing thread',
    size,
  });
  return {
    async write(files) {
      const total = files.reduce((sum, file) => sum + file.pieces.reduce((n, piece) => n + piece.length, 0), 0);
      const data = new Uint8Array(total);
      let offset = 0;
      const batch = files.map(({ path, pieces, sync, date, mode }): BatchFile => {
        const start = offset;
        for (const piece of pieces) {
          data.set(piece, offset);
          offset += piece.length;
        }
        return { path, length: offset - start, sync, date, mode };
      });
      const reply = await threads.call({ files: batch, data: data.buffer }, [data.buffer]);
      if (reply.error) throw new SmallFileWriteError(asFsError(reply.error), reply.made);
    },
    close: () => threads.close(),
  };
}
